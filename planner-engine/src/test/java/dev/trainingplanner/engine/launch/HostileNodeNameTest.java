package dev.trainingplanner.engine.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launch artifacts fed node names that validation would refuse (as if a stored plan predated it): the torchrun command
 * stays inert when a real shell reads it, and the hostfile refuses the name instead of gaining words or lines.
 */
class HostileNodeNameTest {

    @TempDir
    Path dir;

    private static LaunchArtifacts artifacts(String master, String other) {
        List<NodeLaunch> nodes =
                List.of(new NodeLaunch(master, 0, List.of(0, 1)), new NodeLaunch(other, 1, List.of(0, 1)));
        return LaunchArtifacts.of(new LaunchInput(
                Framework.MEGATRON, Precision.BF16, ModelPresets.byName("llama2-7b"), 8, 1, Layout.of(2, 1, 2), nodes));
    }

    @Test
    void aShellReadsTheMasterAddressAsOneWordAndRunsNothing() throws Exception {
        Path pwned = dir.resolve("pwned");
        String hostile = "n0$(touch " + pwned + ")`touch " + pwned + "`'; touch " + pwned + "; '\n\"x";
        JsonNode rankMap =
                new ObjectMapper().readTree(artifacts(hostile, "node-1").render(ArtifactKind.RANK_MAP));

        for (JsonNode node : rankMap.get("nodes")) {
            List<String> words = shellWords(node.get("command").asText());
            assertThat(words).contains("--master-addr=" + hostile);
            assertThat(words).hasSize(5);
        }
        assertThat(rankMap.get("masterAddr").asText()).isEqualTo(hostile);
        assertThat(pwned).doesNotExist();
    }

    @Test
    void theHostfileRefusesANameThatWouldAddALine() {
        LaunchArtifacts artifacts = artifacts("node-0", "n2\nattacker.example.com slots=8");

        assertThatThrownBy(artifacts::hostfile)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "node name 'n2\\u000aattacker.example.com slots=8' cannot be written to a hostfile")
                .hasMessageNotContaining("\n");
        assertThat(artifacts("node-0", "node-1.example.com").hostfile())
                .isEqualTo("node-0 slots=2\nnode-1.example.com slots=2\n");
    }

    /**
     * The arguments a POSIX shell passes to torchrun for {@code command}: torchrun is replaced by a function that prints
     * its arguments, and the placeholder for the training script is dropped.
     */
    private List<String> shellWords(String command) throws IOException, InterruptedException {
        String script = "torchrun() { printf '%s\\0' \"$@\"; }\n" + command.replace(" <training script>", "") + "\n";
        Path file = dir.resolve("command.sh");
        Files.writeString(file, script);
        Process shell = new ProcessBuilder("sh", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).isZero();
        return Arrays.asList(out.split("\0", -1)).subList(0, out.split("\0", -1).length - 1);
    }
}
