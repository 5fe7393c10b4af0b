package dev.trainingplanner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import dev.trainingplanner.profile.ClusterProfileReader;
import dev.trainingplanner.profile.ProfileJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent writes is what the planner reads, without root: two real agents measure each other on loopback, their
 * {@code once} profiles are joined with {@code merge}, and the result is read by the profile reader that
 * {@code planner.jar plan --cluster} and the upload endpoint use. Each node's own file is also a valid upload part.
 */
class ProfileContractTest {

    private static final List<String> NODES = List.of("node-a", "node-b");

    @TempDir
    Path dir;

    @Test
    void mergedAgentProfilesAreAClusterThePlannerReads() throws Exception {
        Path gpus = dir.resolve("gpus.txt");
        Files.writeString(gpus, "0 H100-80GB\n1 H100-80GB\n");
        Path peers = dir.resolve("peers.txt");
        StringBuilder lines = new StringBuilder();
        List<Integer> ports = new ArrayList<>();
        for (String node : NODES) {
            ports.add(freePort());
            lines.append(node)
                    .append(" 127.0.0.1:")
                    .append(ports.get(ports.size() - 1))
                    .append('\n');
        }
        Files.writeString(peers, lines);

        List<CompletableFuture<Integer>> agents = new ArrayList<>();
        for (int i = 0; i < NODES.size(); i++) {
            List<String> args = List.of(
                    "once",
                    "--cluster",
                    "lab",
                    "--node",
                    NODES.get(i),
                    "--listen",
                    "127.0.0.1:" + ports.get(i),
                    "--peers",
                    peers.toString(),
                    "--gpus-file",
                    gpus.toString(),
                    "--compute-rounds",
                    "3",
                    "--compute-pause-ms",
                    "0",
                    "--streams",
                    "1",
                    "--test-ms",
                    "200",
                    "--repeats",
                    "2",
                    "--message-sizes",
                    "64,16384",
                    "--round-trips",
                    "3",
                    "--out",
                    dir.resolve(NODES.get(i) + ".json").toString());
            agents.add(CompletableFuture.supplyAsync(() -> agent(args)));
        }
        for (CompletableFuture<Integer> agent : agents) {
            assertThat(agent.get()).isZero();
        }
        Path cluster = dir.resolve("cluster.json");
        List<String> merge = new ArrayList<>(List.of("merge", "--cluster", "lab", "--out", cluster.toString()));
        NODES.forEach(node -> merge.add(dir.resolve(node + ".json").toString()));
        assertThat(agent(merge)).isZero();

        ClusterProfile read = new ClusterProfileReader().read(cluster);

        assertThat(read.nodes()).extracting(NodeProfile::name).containsExactlyElementsOf(NODES);
        assertThat(read.nodes()).allSatisfy(node -> assertThat(node.gpus())
                .extracting(GpuProfile::type, GpuProfile::source)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("H100-80GB", GpuProfile.DECLARED)));
        assertThat(read.links())
                .extracting(link -> link.from() + "->" + link.to())
                .containsExactly("node-a->node-b", "node-b->node-a");
        assertThat(read.links()).allSatisfy(ProfileContractTest::isMeasured);
        assertThat(ProfileJson.write(read) + System.lineSeparator()).isEqualTo(Files.readString(cluster));
        for (String node : NODES) {
            ClusterProfile part = ProfileJson.parse(Files.readString(dir.resolve(node + ".json")));
            assertThat(part.nodes()).extracting(NodeProfile::name).containsExactly(node);
            assertThat(part.links()).extracting(LinkProfile::from).containsOnly(node);
        }
    }

    private static void isMeasured(LinkProfile link) {
        assertThat(link.bandwidthGbps()).isPositive();
        assertThat(link.latencyUs()).isPositive();
        assertThat(link.measuredAt()).isNotNull();
    }

    private static int agent(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AgentMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        if (code != 0) {
            System.err.print(err.toString(StandardCharsets.UTF_8));
        }
        return code;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }
}
