package dev.trainingplanner.api.database;

import java.nio.file.Path;

/** Starts an embedded server in its own JVM and prints READY: the test then kills this JVM as an OOM killer would. */
public final class EmbeddedDatabaseServerMain {

    private EmbeddedDatabaseServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedDatabaseServer server =
                EmbeddedDatabaseServer.start(new EmbeddedPostgresProperties(Path.of(args[0]), 0, false, true));
        System.out.println("READY " + server.jdbcUrl());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
