package dev.trainingplanner.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight hosts in network namespaces with links shaped to 100, 200 and 400 Mbit/s, one
 * {@code profiler-agent.jar once} process per host, all measuring each other on the round-robin
 * schedule. Needs root (namespaces, tc) and iproute2.
 */
class ShapedLinksIT {

    private static final int[] RATES_MBIT = {100, 200, 400, 100, 200, 400, 200, 400};
    // TCP goodput under tbf: 1448 payload bytes per 1514-byte frame (platform-notes.md §7.6).
    private static final double GOODPUT_PER_LINE_RATE = 1448.0 / 1514.0;

    @TempDir
    Path work;

    @BeforeAll
    static void requirements() {
        Requirements.rootAndIproute2("ShapedLinksIT");
    }

    @Test
    void eightShapedHostsAreMeasuredWithinTenPercentInUnderTwoMinutes() throws Exception {
        try (ShapedStar star = new ShapedStar(RATES_MBIT)) {
            star.build();

            AgentRun.Result run = AgentRun.once(
                    star,
                    work,
                    "0 A100-80GB\n1 A100-80GB\n",
                    List.of(
                            "--test-ms",
                            "700",
                            "--repeats",
                            "3",
                            "--streams",
                            "4",
                            "--message-sizes",
                            "64,16384,131072",
                            "--round-trips",
                            "10",
                            "--compute-rounds",
                            "3",
                            "--compute-pause-ms",
                            "0",
                            "--peer-timeout-s",
                            "60"),
                    "shaped-links-it-logs");

            List<LinkProfile> links = new ArrayList<>();
            for (ClusterProfile profile : run.profiles()) {
                assertThat(profile.nodes()).singleElement().satisfies(node -> assertThat(node.gpus())
                        .hasSize(2)
                        .allSatisfy(gpu -> assertThat(gpu.source()).isEqualTo("declared")));
                links.addAll(profile.links());
            }
            StringBuilder report = new StringBuilder(String.format(
                    Locale.ROOT, "8-host matrix in %.1f s%n", run.elapsed().toMillis() / 1000.0));
            for (LinkProfile link : links) {
                double expectedGbps = expectedGbps(star, link);
                report.append(String.format(
                        Locale.ROOT,
                        "%s -> %s: %.1f Mbit/s (expected %.1f, %+.1f %%), p95 %.1f, latency %.0f us%n",
                        link.from(),
                        link.to(),
                        link.bandwidthGbps() * 1000,
                        expectedGbps * 1000,
                        (link.bandwidthGbps() / expectedGbps - 1) * 100,
                        link.p95BandwidthGbps() * 1000,
                        link.latencyUs()));
            }
            Files.writeString(Path.of("target/shaped-links-it.txt"), report);
            System.out.print(report);

            assertThat(links).hasSize(star.hosts() * (star.hosts() - 1));
            assertThat(links.stream().map(link -> link.from() + ">" + link.to()).distinct())
                    .hasSize(links.size());
            for (LinkProfile link : links) {
                double expectedGbps = expectedGbps(star, link);
                assertThat(link.bandwidthGbps())
                        .as("%s -> %s", link.from(), link.to())
                        .isBetween(expectedGbps * 0.9, expectedGbps * 1.1);
            }
            assertThat(run.elapsed()).isLessThan(Duration.ofMinutes(2));
        }
    }

    /** Each host's uplink and downlink are shaped to its rate: the pair's bottleneck is the lower one. */
    private static double expectedGbps(ShapedStar star, LinkProfile link) {
        int from = AgentRun.index(link.from());
        int to = AgentRun.index(link.to());
        return Math.min(star.rateMbit(from), star.rateMbit(to)) * GOODPUT_PER_LINE_RATE / 1000.0;
    }
}
