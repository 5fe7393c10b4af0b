package dev.trainingplanner.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The zero-setup default must behave like a real installation: what one start wrote, the next start finds. */
class RestartKeepsDataTest {

    @TempDir
    Path dataHome;

    @Test
    void secondStartFindsTheDataOfTheFirst() {
        long firstIdentifier;
        try (ConfigurableApplicationContext first = start()) {
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            firstIdentifier = systemIdentifier(jdbc);
            jdbc.execute("create table restart_probe (written_by text)");
            jdbc.update("insert into restart_probe values ('first start')");
        }

        try (ConfigurableApplicationContext second = start()) {
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
            assertThat(systemIdentifier(jdbc)).isEqualTo(firstIdentifier);
            assertThat(jdbc.queryForObject("select written_by from restart_probe", String.class))
                    .isEqualTo("first start");
        }
        assertThat(dataHome.resolve("postgres").resolve("PG_VERSION")).exists();
    }

    private ConfigurableApplicationContext start() {
        // Command-line arguments, as an operator would pass them: they take precedence over application.properties.
        return new SpringApplicationBuilder(PlannerApplication.class)
                .run("--server.port=0", "--planner.embedded-postgres.data-directory=" + dataHome.resolve("postgres"));
    }

    private static long systemIdentifier(JdbcTemplate jdbc) {
        return jdbc.queryForObject("select system_identifier from pg_control_system()", Long.class);
    }
}
