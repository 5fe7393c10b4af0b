package dev.trainingplanner.api.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The passwords of the embedded server's two roles: the superuser, used only to prepare the database, and the service
 * role, which owns the planner schema and nothing else. Generated at random on the first start and kept in a file that
 * only the service's OS user can read (mode 0600), inside the data folder, so that a restart finds them.
 *
 * @param superuserPassword password of the {@code postgres} superuser
 * @param servicePassword password of the {@link #SERVICE_ROLE} role the service connects as
 */
record EmbeddedDatabaseCredentials(String superuserPassword, String servicePassword) {

    static final String SUPERUSER = "postgres";
    static final String SERVICE_ROLE = "planner";
    static final String FILE_NAME = "planner-credentials";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PASSWORD_BYTES = 24;

    /** The credentials kept beside the cluster, or new ones written there (mode 0600) when there are none yet. */
    static EmbeddedDatabaseCredentials loadOrCreate(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= 2
                        && !lines.get(0).isBlank()
                        && !lines.get(1).isBlank()) {
                    return new EmbeddedDatabaseCredentials(
                            lines.get(0).trim(), lines.get(1).trim());
                }
                throw new IllegalStateException("The embedded database's credentials file " + file
                        + " is damaged (expected two lines); restore it from a backup or delete the data folder");
            }
            EmbeddedDatabaseCredentials fresh = new EmbeddedDatabaseCredentials(randomPassword(), randomPassword());
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(FILE_NAME + ".partial");
            Files.deleteIfExists(partial);
            Files.createFile(
                    partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    partial,
                    fresh.superuserPassword() + "\n" + fresh.servicePassword() + "\n",
                    StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the embedded database's credentials " + file, e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[PASSWORD_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
