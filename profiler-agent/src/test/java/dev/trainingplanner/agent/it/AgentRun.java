package dev.trainingplanner.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ProfileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts one {@code java -jar target/profiler-agent.jar once} process in every host namespace of a
 * {@link ShapedStar}, all with the same peers file, and collects their profiles.
 */
final class AgentRun {

    static final int PORT = 7070;

    /** The profile each host wrote, in host order, and the wall time until the last agent exited. */
    record Result(List<ClusterProfile> profiles, List<Path> files, Duration elapsed) {}

    private AgentRun() {}

    static Result once(ShapedStar star, Path work, String gpusFileText, List<String> measurementOptions, String logs)
            throws Exception {
        Path jar = Path.of("target/profiler-agent.jar").toAbsolutePath();
        assertThat(jar).as("built by 'package' before integration tests").exists();
        Path peers = work.resolve("peers.txt");
        StringBuilder peerLines = new StringBuilder();
        for (int i = 0; i < star.hosts(); i++) {
            peerLines
                    .append(name(i))
                    .append(' ')
                    .append(star.address(i))
                    .append(':')
                    .append(PORT)
                    .append('\n');
        }
        Files.writeString(peers, peerLines);
        Path gpus = work.resolve("gpus.txt");
        Files.writeString(gpus, gpusFileText);

        List<Process> agents = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < star.hosts(); i++) {
                Path out = work.resolve(name(i) + ".json");
                files.add(out);
                List<String> command = new ArrayList<>(List.of(
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
                        name(i),
                        "--listen",
                        star.address(i) + ":" + PORT,
                        "--peers",
                        peers.toString(),
                        "--gpus-file",
                        gpus.toString(),
                        "--out",
                        out.toString()));
                command.addAll(measurementOptions);
                agents.add(new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(work.resolve(name(i) + ".log").toFile())
                        .start());
            }
            for (int i = 0; i < agents.size(); i++) {
                Process agent = agents.get(i);
                assertThat(agent.waitFor(150, TimeUnit.SECONDS))
                        .as("agent %s finished", name(i))
                        .isTrue();
                assertThat(agent.exitValue())
                        .as("agent %s exit code; log:%n%s", name(i), Files.readString(work.resolve(name(i) + ".log")))
                        .isZero();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            List<ClusterProfile> profiles = new ArrayList<>();
            for (Path file : files) {
                profiles.add(ProfileJson.parse(Files.readString(file)));
            }
            return new Result(profiles, files, elapsed);
        } finally {
            agents.forEach(Process::destroyForcibly);
            keepLogs(work, Path.of("target", logs));
        }
    }

    static String name(int host) {
        return "host-" + host;
    }

    static int index(String name) {
        return Integer.parseInt(name.substring("host-".length()));
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Copies the agents' logs out of the temporary directory for diagnosis after the run. */
    private static void keepLogs(Path work, Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(work)) {
            for (Path log :
                    files.filter(file -> file.toString().endsWith(".log")).toList()) {
                Files.copy(log, target.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
