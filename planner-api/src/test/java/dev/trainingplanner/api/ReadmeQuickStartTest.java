package dev.trainingplanner.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.security.TokenService;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.ApiTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The root README's "Your first plan" block, read from the README itself and run with bash from the repository root
 * against a started service: only the admin token placeholder and the port are replaced, so a README that stops working
 * for a newcomer fails the build.
 */
@PlannerIntegrationTest
class ReadmeQuickStartTest {

    private static final String SECTION = "### Your first plan";

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokenService;

    @Test
    void theQuickStartRunsAsWritten() throws IOException, InterruptedException {
        Path root = repositoryRoot();
        String block = quickStartBlock(Files.readString(root.resolve("README.md")));
        assertThat(block).contains("<admin token>", "localhost:8080", "Idempotency-Key", "examples/");
        String admin = ApiTestSupport.tokens(tokenService, ApiTestSupport.uniqueName("readme"), "b")
                .admin();
        String script = "set -euo pipefail\n"
                + block.replace("<admin token>", admin).replace("localhost:8080", "localhost:" + port);

        Process bash = new ProcessBuilder("bash", "-c", script)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(bash.waitFor(240, TimeUnit.SECONDS))
                .as("the quick start finishes")
                .isTrue();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output)
                .as("the profile upload, the plans list and the DeepSpeed config")
                .contains("\"nodes\":4")
                .contains("\"model\":\"llama3-8b\"", "\"status\":\"COMPLETED\"", "\"layout\":\"tp")
                .contains("\"train_batch_size\" : 256");
    }

    /** The first fenced bash block after the section's heading. */
    static String quickStartBlock(String readme) {
        int section = readme.indexOf(SECTION);
        assertThat(section).as("the README has a section '" + SECTION + "'").isNotNegative();
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        int end = readme.indexOf("```", start);
        return readme.substring(start, end);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("examples"))) {
            dir = dir.getParent();
            assertThat(dir)
                    .as("the repository root above the working directory")
                    .isNotNull();
        }
        return dir;
    }
}
