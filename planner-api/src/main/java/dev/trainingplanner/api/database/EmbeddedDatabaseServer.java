package dev.trainingplanner.api.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL behind the zero-setup default, run as a production database would be:
 *
 * <ul>
 *   <li>durable: fsync and synchronous commit on, so an acknowledged write survives a crash of the server;
 *   <li>closed: it listens on 127.0.0.1 only, with no Unix socket, and every connection needs a password (SCRAM); the
 *       service connects as a role that owns the {@code planner} schema and nothing else, never as the superuser;
 *   <li>self-healing: a server left running by a killed service is stopped before a new start, and a server that dies
 *       while the service runs is started again on the same port (the connection pool reconnects by itself).
 * </ul>
 */
final class EmbeddedDatabaseServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseServer.class);

    static final String DATABASE = "postgres";
    static final String SCHEMA = "planner";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);
    private static final Duration RESTART_PATIENCE = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

    /** Password authentication on the loopback interface and nothing else; rewritten at every start. */
    private static final String HOST_BASED_AUTHENTICATION = String.join(
            "\n",
            "# Written by the planner at every start: SCRAM password authentication on the loopback interface only.",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256",
            "");

    private final EmbeddedPostgresProperties properties;
    private final Path dataDirectory;
    private final EmbeddedDatabaseCredentials credentials;
    /** Whether the cluster, if one exists, already has these passwords (false for a folder written by older versions). */
    private final boolean passwordsKnown;

    private final ScheduledExecutorService watchdog;
    private volatile EmbeddedPostgres server;
    private volatile int port;
    private int missedChecks;
    private volatile boolean closed;

    private EmbeddedDatabaseServer(EmbeddedPostgresProperties properties) {
        this.properties = properties;
        Path configured = properties.dataDirectory().toAbsolutePath().normalize();
        // A clean start gets a folder of its own, so that several test contexts in one JVM never share or delete one.
        this.dataDirectory =
                properties.cleanOnStart() ? configured.resolve("run-" + java.util.UUID.randomUUID()) : configured;
        Path credentialsFile =
                dataDirectory.resolveSibling(dataDirectory.getFileName() + "-" + EmbeddedDatabaseCredentials.FILE_NAME);
        this.passwordsKnown = Files.isRegularFile(credentialsFile);
        this.credentials = EmbeddedDatabaseCredentials.loadOrCreate(credentialsFile);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "embedded-postgres-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the server (initialising the data folder on the first start) and its watchdog. */
    static EmbeddedDatabaseServer start(EmbeddedPostgresProperties properties) {
        EmbeddedDatabaseServer database = new EmbeddedDatabaseServer(properties);
        database.startServer(properties.port());
        database.secure();
        database.watchdog.scheduleWithFixedDelay(
                database::check, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return database;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + LOOPBACK + ":" + port + "/" + DATABASE;
    }

    String username() {
        return EmbeddedDatabaseCredentials.SERVICE_ROLE;
    }

    String password() {
        return credentials.servicePassword();
    }

    int port() {
        return port;
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    private synchronized void startServer(int requestedPort) {
        try {
            Files.createDirectories(dataDirectory.getParent());
            Postmaster.stopOrphan(dataDirectory);
            // A folder initialised with these passwords is closed before the server starts; a new folder (or one from
            // an
            // older version, whose superuser has no password yet) is closed by secure() right after the start.
            if (passwordsKnown && Files.isRegularFile(dataDirectory.resolve("postgresql.conf"))) {
                Files.writeString(dataDirectory.resolve("pg_hba.conf"), HOST_BASED_AUTHENTICATION);
            }
            // Never the library's own clean-up: it would delete the data folder whenever a server is closed, including
            // before a restart.
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(requestedPort)
                    .setConnectConfig("password", credentials.superuserPassword())
                    .setServerConfig("listen_addresses", LOOPBACK)
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("password_encryption", "scram-sha-256");
            // The later "-c fsync=..." overrides the "-F" (fsync off) that the library always passes.
            String durable = properties.durable() ? "on" : "off";
            builder.setServerConfig("fsync", durable)
                    .setServerConfig("synchronous_commit", durable)
                    .setServerConfig("full_page_writes", durable);
            server = builder.start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /**
     * Gives the superuser its password, creates the service role and its schema, moves the tables of an older data
     * folder (kept in {@code public}, owned by the superuser) into that schema, and closes the door to everything but
     * password logins. Idempotent: runs at every start.
     */
    private void secure() {
        Properties superuser = new Properties();
        superuser.setProperty("user", EmbeddedDatabaseCredentials.SUPERUSER);
        superuser.setProperty("password", credentials.superuserPassword());
        String role = EmbeddedDatabaseCredentials.SERVICE_ROLE;
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), superuser);
                Statement sql = connection.createStatement()) {
            // The passwords are hex digits, so inlining them in the statements is safe.
            sql.execute("ALTER ROLE " + EmbeddedDatabaseCredentials.SUPERUSER + " PASSWORD '"
                    + credentials.superuserPassword() + "'");
            sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN"
                    + " CREATE ROLE " + role + "; END IF; END $$");
            sql.execute("ALTER ROLE " + role + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    + " PASSWORD '" + credentials.servicePassword() + "'");
            sql.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA + " AUTHORIZATION " + role);
            sql.execute("ALTER ROLE " + role + " SET search_path = " + SCHEMA);
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            for (String table :
                    publicRelations(connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                sql.execute("ALTER TABLE public.\"" + table + "\" SET SCHEMA " + SCHEMA);
            }
            for (String sequence :
                    publicRelations(connection, "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")) {
                sql.execute("ALTER SEQUENCE public.\"" + sequence + "\" SET SCHEMA " + SCHEMA);
            }
            for (String table : publicRelations(
                    connection,
                    "SELECT tablename FROM pg_tables WHERE schemaname = '" + SCHEMA + "' AND tableowner <> '" + role
                            + "'")) {
                sql.execute("ALTER TABLE " + SCHEMA + ".\"" + table + "\" OWNER TO " + role);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the embedded PostgreSQL in " + dataDirectory, e);
        }
        try {
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), HOST_BASED_AUTHENTICATION);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedded PostgreSQL's pg_hba.conf", e);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), superuser);
                Statement sql = connection.createStatement()) {
            sql.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reload the embedded PostgreSQL's configuration", e);
        }
    }

    private static List<String> publicRelations(Connection connection, String query) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery(query)) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /** The watchdog: a server that no longer accepts connections twice in a row is started again. */
    private void check() {
        if (closed) {
            return;
        }
        if (accepting()) {
            missedChecks = 0;
            return;
        }
        if (++missedChecks < 2) {
            return;
        }
        log.error("The embedded PostgreSQL on port {} stopped answering; starting it again on the same port", port);
        long deadline = System.nanoTime() + RESTART_PATIENCE.toNanos();
        while (!closed) {
            try {
                restart();
                missedChecks = 0;
                log.info("The embedded PostgreSQL is running again on port {}", port);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    log.error(
                            "The embedded PostgreSQL could not be started again within {}; the service stops, since it"
                                    + " cannot work without its database",
                            RESTART_PATIENCE,
                            e);
                    System.exit(70);
                }
                log.warn("Starting the embedded PostgreSQL again failed ({}); retrying", e.getMessage());
                sleep(WATCH_INTERVAL);
            }
        }
    }

    private synchronized void restart() {
        closeServer();
        startServer(port);
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void closeServer() {
        EmbeddedPostgres current = server;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                log.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        watchdog.shutdownNow();
        closeServer();
    }
}
