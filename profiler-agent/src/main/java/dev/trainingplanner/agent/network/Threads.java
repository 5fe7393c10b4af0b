package dev.trainingplanner.agent.network;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Daemon threads for socket work, so an agent never stays alive because of a stuck transfer. */
final class Threads {

    static final ExecutorService POOL = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "agent-io");
        thread.setDaemon(true);
        return thread;
    });

    private Threads() {}
}
