package dev.trainingplanner.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** A newcomer's first start prints one secret to copy, the admin token, framed, and no other password. */
@ExtendWith(OutputCaptureExtension.class)
class StartupLogTest {

    @TempDir
    Path dataHome;

    @Test
    void theFirstStartPrintsTheAdminTokenOnceAndNoGeneratedPassword(CapturedOutput output) {
        try (ConfigurableApplicationContext first = start()) {
            assertThat(output.getAll()).doesNotContain("Using generated security password");
            Matcher token = Pattern.compile(
                            "Initial admin token \\(shown only this once; store it now\\):\\R\\R {4}(\\S+)")
                    .matcher(output.getAll());
            assertThat(token.find()).isTrue();
            assertThat(output.getAll()).contains("PLANNER_ADMIN_TOKEN=<secret>");
        }
        int printed = output.getAll().split("Initial admin token", -1).length - 1;
        try (ConfigurableApplicationContext second = start()) {
            assertThat(output.getAll().split("Initial admin token", -1).length - 1)
                    .isEqualTo(printed);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(PlannerApplication.class)
                .run(
                        "--server.port=0",
                        "--planner.embedded-postgres.data-directory=" + dataHome.resolve("postgres"),
                        "--planner.embedded-postgres.durable=false");
    }
}
