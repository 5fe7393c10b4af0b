package dev.trainingplanner.api.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default is closed to other local users, durable across crashes, and recovers from a killed service. */
class EmbeddedDatabaseServerTest {

    @TempDir
    Path home;

    private EmbeddedPostgresProperties properties() {
        return new EmbeddedPostgresProperties(home.resolve("postgres"), 0, false, null);
    }

    @Test
    void onlyPasswordLoginsOnTheLoopbackAreAcceptedAndTheServiceIsNoSuperuser() throws Exception {
        try (EmbeddedDatabaseServer server = EmbeddedDatabaseServer.start(properties())) {
            assertThatThrownBy(() -> connect(server, "postgres", null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(server, "postgres", "guess")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(server, "planner", null)).isInstanceOf(SQLException.class);

            try (Connection service = connect(server, server.username(), server.password());
                    Statement sql = service.createStatement()) {
                assertThat(value(sql, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
                        .isEqualTo("f");
                assertThat(value(sql, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(value(sql, "SHOW password_encryption")).isEqualTo("scram-sha-256");
                assertThat(value(sql, "SELECT current_schema()")).isEqualTo("planner");
                assertThatThrownBy(() -> sql.execute("COPY (SELECT 1) TO PROGRAM 'id'"))
                        .hasMessageContaining("must be superuser");
                assertThatThrownBy(() -> sql.execute("CREATE TABLE public.intruder (x int)"))
                        .hasMessageContaining("permission denied");
                sql.execute("CREATE TABLE own_table (x int)");
            }
            assertThat(Files.readString(server.dataDirectory().resolve("pg_hba.conf")))
                    .doesNotContain("trust");
            // No Unix socket anywhere: line 5 of postmaster.pid names the socket folder and is empty.
            assertThat(Files.readAllLines(server.dataDirectory().resolve("postmaster.pid"))
                            .get(4))
                    .isBlank();
            assertThat(Path.of("/tmp/.s.PGSQL." + server.port())).doesNotExist();
        }
        Path credentials = home.resolve("postgres-planner-credentials");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
                .isEqualTo("rw-------");
    }

    @Test
    void acknowledgedWritesSurviveAKillOfTheDatabaseAndTheServerComesBack() throws Exception {
        int writes = 400;
        try (EmbeddedDatabaseServer server = EmbeddedDatabaseServer.start(properties())) {
            try (Connection service = connect(server, server.username(), server.password());
                    Statement sql = service.createStatement()) {
                assertThat(value(sql, "SHOW fsync")).isEqualTo("on");
                assertThat(value(sql, "SHOW synchronous_commit")).isEqualTo("on");
                sql.execute("CREATE TABLE acknowledged (id int PRIMARY KEY)");
                for (int id = 0; id < writes; id++) {
                    sql.executeUpdate("INSERT INTO acknowledged VALUES (" + id + ")");
                }
            }
            ProcessHandle postmaster = Postmaster.find(server.dataDirectory()).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().join();

            try (Connection service = awaitConnection(server, Duration.ofSeconds(90));
                    Statement sql = service.createStatement()) {
                assertThat(value(sql, "SELECT count(*) FROM acknowledged")).isEqualTo(Integer.toString(writes));
            }
            assertThat(Postmaster.find(server.dataDirectory()).orElseThrow().pid())
                    .isNotEqualTo(postmaster.pid());
        }
    }

    @Test
    void aServerLeftRunningByAKilledServiceIsStoppedBeforeTheNextStart() throws Exception {
        Path data = home.resolve("postgres");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process service = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedDatabaseServerMain.class.getName(),
                        data.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = output.readLine();
            } while (line != null && !line.startsWith("READY"));
            assertThat(line).as("the child service started its database").startsWith("READY");
        }
        ProcessHandle orphan = Postmaster.find(data).orElseThrow();
        service.destroyForcibly().waitFor();
        assertThat(orphan.isAlive())
                .as("the killed service left its database running")
                .isTrue();

        try (EmbeddedDatabaseServer server = EmbeddedDatabaseServer.start(properties());
                Connection connection = connect(server, server.username(), server.password());
                Statement sql = connection.createStatement()) {
            assertThat(value(sql, "SELECT 1")).isEqualTo("1");
            assertThat(orphan.isAlive()).isFalse();
        }
    }

    @Test
    void aFolderWrittenByAnOlderVersionKeepsItsDataAndIsClosed() throws Exception {
        Path data = home.resolve("postgres");
        try (EmbeddedPostgres older = EmbeddedPostgres.builder()
                        .setDataDirectory(data)
                        .setCleanDataDirectory(false)
                        .start();
                Connection connection = older.getPostgresDatabase().getConnection();
                Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE public.stored_plan (id int PRIMARY KEY, body text)");
            sql.execute("INSERT INTO public.stored_plan VALUES (1, 'kept')");
        }

        try (EmbeddedDatabaseServer server = EmbeddedDatabaseServer.start(properties());
                Connection connection = connect(server, server.username(), server.password());
                Statement sql = connection.createStatement()) {
            assertThat(value(sql, "SELECT body FROM stored_plan WHERE id = 1")).isEqualTo("kept");
            sql.execute("INSERT INTO stored_plan VALUES (2, 'written by the service role')");
            assertThatThrownBy(() -> connect(server, "postgres", null)).isInstanceOf(SQLException.class);
        }
    }

    private static Connection connect(EmbeddedDatabaseServer server, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(server.jdbcUrl(), properties);
    }

    private static Connection awaitConnection(EmbeddedDatabaseServer server, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return connect(server, server.username(), server.password());
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static String value(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
