package dev.trainingplanner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.trainingplanner.agent.support.Fixtures;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ProfileJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @Test
    void helpListsEveryOption() {
        int code = run(List.of("--help"));

        assertThat(code).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of(
                "--cluster",
                "--node",
                "--planner",
                "--token",
                "--listen",
                "--peers",
                "--out",
                "--gpus-file",
                "--nvidia-smi",
                "--nccl-tests-dir",
                "--compute-command",
                "--compute-rounds",
                "--compute-pause-ms",
                "--slow-threshold",
                "--streams",
                "--test-ms",
                "--repeats",
                "--message-sizes",
                "--round-trips",
                "--connect-timeout-s",
                "--io-timeout-s",
                "--peer-timeout-s",
                "--spool",
                "--interval-s",
                "--cycles",
                "--upload-attempts",
                "--upload-backoff-ms")) {
            assertThat(help).contains(option + " ");
        }
        assertThat(help).contains("run ", "once ");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|missing mode: expected 'run', 'once' or 'merge'",
                "measure --cluster c --node n|unknown mode 'measure': expected 'run', 'once' or 'merge'",
                "once --node n|missing required option --cluster",
                "once --cluster c --node n0$(id)|--node 'n0$(id)' is not a node name (1-253 letters, digits",
                "once --cluster c;id --node n|--cluster 'c;id' is not a cluster name",
                "once --cluster c --node n --speed 3|unknown option '--speed'",
                "once --cluster c --node n --out|--out needs a value",
                "once --cluster c --node n --node m|--node is given twice",
                "once --cluster c --node n --peers p.txt|--listen HOST:PORT is required with --peers",
                "once --cluster c --node n --listen 10.0.0.1|--listen: expected HOST:PORT, got '10.0.0.1'",
                "once --cluster c --node n --listen 10.0.0.1:0x|--listen: port '0x' is not a number",
                "once --cluster c --node n --repeats 0|--repeats must be from 1 to 1000, got 0",
                "once --cluster c --node n --test-ms soon|--test-ms expects a whole number, got 'soon'",
                "once --cluster c --node n --slow-threshold 0.9|--slow-threshold must be above 1",
                "once --cluster c --node n --planner http://p:8080|once does not upload",
                "run --cluster c --node n --token t|missing required option --planner",
                "run --cluster c --node n --planner ftp://p|--planner 'ftp://p' is not an http(s) URL",
                "run --cluster c --node n --planner http://p:8080|run needs --token TOKEN",
                "once --cluster c --node n --listen 127.0.0.1:7070 --peers /nonexistent/peers|cannot read --peers file"
            })
    void badArgumentsGiveASpecificMessageAndExitCode2(String arguments, String message) {
        int code = run(arguments.isEmpty() ? List.of() : List.of(arguments.split(" ")));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).doesNotContain("Exception", "\tat ");
    }

    @Test
    void onceWithDeclaredGpusWritesAProfileInTheSharedFormat() throws Exception {
        Path gpus = dir.resolve("gpus.txt");
        Files.writeString(gpus, "0 A100-80GB\n1 A100-80GB\n");
        Path profileFile = dir.resolve("out/profile.json");

        int code = run(List.of(
                "once",
                "--cluster",
                "lab",
                "--node",
                "host-1",
                "--gpus-file",
                gpus.toString(),
                "--out",
                profileFile.toString(),
                "--compute-rounds",
                "5",
                "--compute-pause-ms",
                "0"));

        assertThat(code).isZero();
        ClusterProfile profile = ProfileJson.parse(Files.readString(profileFile));
        assertThat(profile.name()).isEqualTo("lab");
        assertThat(profile.measuredAt()).isNotNull();
        assertThat(profile.links()).isEmpty();
        assertThat(profile.nodes()).singleElement().satisfies(node -> {
            assertThat(node.name()).isEqualTo("host-1");
            assertThat(node.gpus()).extracting(GpuProfile::source).containsExactly("declared", "declared");
            assertThat(node.compute().relativeSpeed()).isEqualTo(1.0);
            assertThat(node.compute().source()).isEqualTo("cpu-benchmark");
            assertThat(node.compute().slowProbability())
                    .as("CPU noise is no GPU straggler")
                    .isNull();
            assertThat(node.compute().slowdown()).isNull();
        });
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no GPU compute probe (--compute-command)");
        String json = Files.readString(profileFile);
        assertThat(json).doesNotContain("null", "intraNode", "defaultLink");
    }

    @ParameterizedTest
    @CsvSource({
        // every third round twice as slow: 10 of 30, a straggler
        "3, 30, 0.3333, 2.0",
        // every tenth round: 3 of 30 is a healthy GPU's jitter
        "10, 30, 0.0, 1.0",
        // too few rounds to judge
        "3, 12, ,"
    })
    void aGpuProbeDeclaresANodeSlowOnlyOnEvidence(int slowEvery, int rounds, Double probability, Double slowdown)
            throws Exception {
        Path counter = dir.resolve("rounds");
        String command = "n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + counter
                + "; if [ $((n % " + slowEvery + ")) -eq 0 ]; then echo 2.0; else echo 1.0; fi";
        Path profileFile = dir.resolve("gpu.json");

        int code = run(List.of(
                "once",
                "--cluster",
                "lab",
                "--node",
                "gpu-1",
                "--gpus-file",
                declaredGpus().toString(),
                "--compute-command",
                command,
                "--compute-rounds",
                Integer.toString(rounds),
                "--compute-pause-ms",
                "0",
                "--out",
                profileFile.toString()));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        ClusterProfile.ComputeStatistics compute =
                ProfileJson.parse(Files.readString(profileFile)).nodes().get(0).compute();
        assertThat(compute.source()).isEqualTo("gpu-command");
        assertThat(compute.slowProbability()).isEqualTo(probability);
        assertThat(compute.slowdown()).isEqualTo(slowdown);
    }

    /**
     * The uploaded node carries the NVLink domain that {@code nvidia-smi -q} reads from the fabric; where the tool
     * cannot read it, the one {@code --gpus-file} declares.
     */
    @Test
    void theNodesNvlinkDomainComesFromTheFabricOrElseTheGpusFile() throws Exception {
        Path gpus = dir.resolve("gpus.txt");
        Files.writeString(gpus, "nvlinkDomain=rack-7\n0 B200-180GB\n1 B200-180GB\n");
        Path fabric = dir.resolve("q.txt");
        Files.writeString(fabric, Fixtures.text("nvidia-smi-q-gb200-tray.synthetic.txt"));
        Path nvidiaSmi = dir.resolve("nvidia-smi");
        Files.writeString(nvidiaSmi, "#!/bin/sh\n[ \"$*\" = -q ] || exit 5\ncat " + fabric + "\n");
        Files.setPosixFilePermissions(nvidiaSmi, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(nvlinkDomainOfOnce(gpus, nvidiaSmi)).isEqualTo("dc6e40c4-d722-4357-9ba6-5291dd461278.2");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--gpus-file's nvlinkDomain rack-7 is not used");
        assertThat(nvlinkDomainOfOnce(gpus, dir.resolve("absent-nvidia-smi"))).isEqualTo("rack-7");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("nvlinkDomain rack-7 from --gpus-file (nvidia-smi not found");
    }

    private String nvlinkDomainOfOnce(Path gpus, Path nvidiaSmi) throws Exception {
        Path profileFile = dir.resolve("tray.json");
        int code = run(List.of(
                "once",
                "--cluster",
                "lab",
                "--node",
                "tray-3",
                "--gpus-file",
                gpus.toString(),
                "--nvidia-smi",
                nvidiaSmi.toString(),
                "--compute-rounds",
                "0",
                "--out",
                profileFile.toString()));
        assertThat(code).isZero();
        return ProfileJson.parse(Files.readString(profileFile)).nodes().get(0).nvlinkDomain();
    }

    @Test
    void withoutNvidiaSmiAndWithoutAGpusFileTheAgentStopsWithTheFix() throws Exception {
        Path profileFile = dir.resolve("cpu-1.json");

        int code = run(List.of(
                "once",
                "--cluster",
                "lab",
                "--node",
                "cpu-1",
                "--nvidia-smi",
                dir.resolve("nvidia-smi").toString(),
                "--compute-rounds",
                "0",
                "--out",
                profileFile.toString()));

        assertThat(code).isEqualTo(2);
        assertThat(profileFile).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no GPUs found on node cpu-1", "nvidia-smi not found", "--gpus-file", "NVIDIA driver tools");
    }

    @Test
    void mergeRefusesAProfileWithoutGpus() throws Exception {
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"name\":\"lab\",\"nodes\":[{\"name\":\"cpu-1\",\"gpus\":[]}]}");

        int code = run(List.of("merge", "--cluster", "lab", empty.toString()));

        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("node cpu-1 has no GPUs", "--gpus-file");
    }

    @Test
    void runMeasuresAndUploadsEachCycle() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer planner = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        planner.createContext("/api/v1/clusters/lab/profiles", exchange -> {
            if ("Bearer secret".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        planner.start();
        try {
            int code = run(
                    List.of(
                            "run",
                            "--cluster",
                            "lab",
                            "--node",
                            "cpu-1",
                            "--planner",
                            "http://127.0.0.1:" + planner.getAddress().getPort(),
                            "--gpus-file",
                            declaredGpus().toString(),
                            "--compute-rounds",
                            "3",
                            "--compute-pause-ms",
                            "0",
                            "--cycles",
                            "2",
                            "--interval-s",
                            "1",
                            "--spool",
                            dir.resolve("spool").toString()),
                    Map.of("PLANNER_TOKEN", "secret"));

            assertThat(code).isZero();
            assertThat(bodies).hasSize(2);
            assertThat(ProfileJson.parse(bodies.get(1)).nodes().get(0).name()).isEqualTo("cpu-1");
        } finally {
            planner.stop(0);
        }
    }

    @Test
    void unreachablePeerGivesExitCode3AndTheProfileOfWhatWasMeasured() throws Exception {
        int ownPort = freePort();
        int closedPort = freePort();
        Path peers = dir.resolve("peers.txt");
        Files.writeString(peers, "a 127.0.0.1:" + ownPort + "\nb 127.0.0.1:" + closedPort + "\n");
        Path profileFile = dir.resolve("a.json");
        long start = System.nanoTime();

        int code = run(List.of(
                "once",
                "--cluster",
                "lab",
                "--node",
                "a",
                "--listen",
                "127.0.0.1:" + ownPort,
                "--peers",
                peers.toString(),
                "--gpus-file",
                declaredGpus().toString(),
                "--compute-rounds",
                "0",
                "--peer-timeout-s",
                "2",
                "--out",
                profileFile.toString()));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(3);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(15));
        assertThat(ProfileJson.parse(Files.readString(profileFile)).links()).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("not measured: peer b (127.0.0.1:" + closedPort + ") unreachable");
    }

    @Test
    void mergeJoinsAgentProfilesIntoOneClusterProfile() throws Exception {
        for (String node : List.of("a", "b")) {
            assertThat(run(List.of(
                            "once",
                            "--cluster",
                            "lab",
                            "--node",
                            node,
                            "--gpus-file",
                            declaredGpus().toString(),
                            "--compute-rounds",
                            "0",
                            "--out",
                            dir.resolve(node + ".json").toString())))
                    .isZero();
        }
        Path merged = dir.resolve("cluster.json");

        int code = run(List.of(
                "merge",
                "--cluster",
                "lab",
                "--out",
                merged.toString(),
                dir.resolve("a.json").toString(),
                dir.resolve("b.json").toString()));

        assertThat(code).isZero();
        assertThat(ProfileJson.parse(Files.readString(merged)).nodes()).hasSize(2);
        assertThat(run(List.of(
                        "merge",
                        "--out",
                        merged.toString(),
                        dir.resolve("a.json").toString())))
                .isEqualTo(2);
        assertThat(run(List.of(
                        "merge",
                        "--cluster",
                        "lab",
                        dir.resolve("a.json").toString(),
                        dir.resolve("a.json").toString())))
                .isEqualTo(2);
        assertThat(run(List.of(
                        "merge", "--cluster", "lab a", dir.resolve("a.json").toString())))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "merge: missing required option --cluster",
                        "node a appears in more than one profile",
                        "--cluster 'lab a' is not a cluster name");
    }

    /** A node's GPUs as {@code --gpus-file} declares them, for runs that need no real GPU. */
    private Path declaredGpus() throws java.io.IOException {
        Path file = dir.resolve("gpus.txt");
        Files.writeString(file, "0 H100-80GB\n1 H100-80GB\n");
        return file;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    private int run(List<String> args) {
        return run(args, Map.of());
    }

    private int run(List<String> args, Map<String, String> environment) {
        return AgentMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                environment);
    }
}
