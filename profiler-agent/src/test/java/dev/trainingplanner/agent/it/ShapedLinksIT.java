package dev.trainingplanner.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trainingplanner.agent.profile.ClusterProfile;
import dev.trainingplanner.agent.profile.LinkProfile;
import dev.trainingplanner.agent.profile.ProfileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
    private static final int PORT = 7070;
    // TCP goodput under tbf: 1448 payload bytes per 1514-byte frame (platform-notes.md §7.6).
    private static final double GOODPUT_PER_LINE_RATE = 1448.0 / 1514.0;

    @TempDir
    Path work;

    @BeforeAll
    static void requireRootAndIproute2() throws IOException {
        String reason = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            reason = "needs root to create network namespaces (running as " + System.getProperty("user.name") + ")";
        } else {
            try {
                ShapedStar.run("ip", "-V");
                ShapedStar.run("tc", "-V");
            } catch (IOException e) {
                reason = "needs iproute2 (ip, tc): " + e.getMessage();
            }
        }
        if (reason != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("ShapedLinksIT " + reason + "; CI must provide it");
            }
            Assumptions.abort("ShapedLinksIT skipped outside CI: " + reason);
        }
    }

    @Test
    void eightShapedHostsAreMeasuredWithinTenPercentInUnderTwoMinutes() throws Exception {
        Path jar = Path.of("target/profiler-agent.jar").toAbsolutePath();
        assertThat(jar).as("built by 'package' before integration tests").exists();
        List<Process> agents = new ArrayList<>();
        try (ShapedStar star = new ShapedStar(RATES_MBIT)) {
            star.build();
            Path peers = work.resolve("peers.txt");
            StringBuilder peerLines = new StringBuilder();
            for (int i = 0; i < star.hosts(); i++) {
                peerLines
                        .append("host-")
                        .append(i)
                        .append(' ')
                        .append(star.address(i))
                        .append(':')
                        .append(PORT)
                        .append('\n');
            }
            Files.writeString(peers, peerLines);
            Path gpus = work.resolve("gpus.txt");
            Files.writeString(gpus, "0 A100-80GB\n1 A100-80GB\n");

            long start = System.nanoTime();
            for (int i = 0; i < star.hosts(); i++) {
                agents.add(new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                star.host(i),
                                javaBinary(),
                                "-Xmx128m",
                                "-XX:TieredStopAtLevel=1",
                                "-jar",
                                jar.toString(),
                                "once",
                                "--cluster",
                                "shaped",
                                "--node",
                                "host-" + i,
                                "--listen",
                                star.address(i) + ":" + PORT,
                                "--peers",
                                peers.toString(),
                                "--gpus-file",
                                gpus.toString(),
                                "--out",
                                work.resolve("host-" + i + ".json").toString(),
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
                                "60")
                        .redirectErrorStream(true)
                        .redirectOutput(work.resolve("host-" + i + ".log").toFile())
                        .start());
            }
            for (int i = 0; i < agents.size(); i++) {
                Process agent = agents.get(i);
                assertThat(agent.waitFor(150, TimeUnit.SECONDS))
                        .as("agent host-%d finished", i)
                        .isTrue();
                assertThat(agent.exitValue())
                        .as(
                                "agent host-%d exit code; log:%n%s",
                                i, Files.readString(work.resolve("host-" + i + ".log")))
                        .isZero();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            List<LinkProfile> links = new ArrayList<>();
            for (int i = 0; i < star.hosts(); i++) {
                ClusterProfile profile = ProfileJson.read(Files.readString(work.resolve("host-" + i + ".json")));
                assertThat(profile.nodes()).singleElement().satisfies(node -> {
                    assertThat(node.gpus()).hasSize(2).allSatisfy(gpu -> assertThat(gpu.source())
                            .isEqualTo("declared"));
                });
                links.addAll(profile.links());
            }
            StringBuilder report = new StringBuilder(
                    String.format(Locale.ROOT, "8-host matrix in %.1f s%n", elapsed.toMillis() / 1000.0));
            for (LinkProfile link : links) {
                int from = Integer.parseInt(link.from().substring("host-".length()));
                int to = Integer.parseInt(link.to().substring("host-".length()));
                double expectedGbps = Math.min(star.rateMbit(from), star.rateMbit(to)) * GOODPUT_PER_LINE_RATE / 1000.0;
                report.append(String.format(
                        Locale.ROOT,
                        "%s -> %s: %.1f Mbit/s (expected %.1f, %+.1f %%), " + "p95 %.1f, latency %.0f us%n",
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
                int from = Integer.parseInt(link.from().substring("host-".length()));
                int to = Integer.parseInt(link.to().substring("host-".length()));
                double expectedGbps = Math.min(star.rateMbit(from), star.rateMbit(to)) * GOODPUT_PER_LINE_RATE / 1000.0;
                assertThat(link.bandwidthGbps())
                        .as("%s -> %s", link.from(), link.to())
                        .isBetween(expectedGbps * 0.9, expectedGbps * 1.1);
            }
            assertThat(elapsed).isLessThan(Duration.ofMinutes(2));
        } finally {
            agents.forEach(Process::destroyForcibly);
            keepLogs();
        }
    }

    /** Copies the agents' logs to {@code target/shaped-links-it-logs} for diagnosis after the run. */
    private void keepLogs() throws IOException {
        Path logs = Files.createDirectories(Path.of("target/shaped-links-it-logs"));
        try (var files = Files.list(work)) {
            for (Path log :
                    files.filter(file -> file.toString().endsWith(".log")).toList()) {
                Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
