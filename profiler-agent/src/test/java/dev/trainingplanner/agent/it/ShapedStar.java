package dev.trainingplanner.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine: one network namespace per host, each joined by a veth pair to a bridge in a
 * hub namespace (platform-notes.md §7.6). Each host's uplink (its egress) and downlink (the hub
 * side's egress) are shaped with {@code tbf} to the host's rate, so a pair's bottleneck is the lower
 * of the two hosts' rates. Names carry a random suffix; {@link #close()} deletes every namespace,
 * which also removes the veth pairs and the bridge.
 */
final class ShapedStar implements AutoCloseable {

    static final String SUBNET_PREFIX = "10.231.0.";

    private final String suffix =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 5);
    private final List<String> namespaces = new ArrayList<>();
    private final int[] rateMbit;

    ShapedStar(int[] rateMbit) {
        this.rateMbit = rateMbit.clone();
    }

    String hub() {
        return "tpa" + suffix + "hub";
    }

    String host(int index) {
        return "tpa" + suffix + "h" + index;
    }

    String address(int index) {
        return SUBNET_PREFIX + (index + 1);
    }

    int rateMbit(int index) {
        return rateMbit[index];
    }

    int hosts() {
        return rateMbit.length;
    }

    void build() throws IOException {
        addNamespace(hub());
        ip("-n", hub(), "link", "add", "br0", "type", "bridge");
        ip("-n", hub(), "link", "set", "br0", "up");
        for (int i = 0; i < rateMbit.length; i++) {
            String host = host(i);
            String hubSide = "v" + suffix + "h" + i;
            String hostSide = "p" + suffix + "h" + i;
            addNamespace(host);
            ip("link", "add", hubSide, "type", "veth", "peer", "name", hostSide);
            ip("link", "set", hubSide, "netns", hub());
            ip("link", "set", hostSide, "netns", host);
            ip("-n", host, "link", "set", hostSide, "name", "eth0");
            ip("-n", hub(), "link", "set", hubSide, "master", "br0");
            ip("-n", hub(), "link", "set", hubSide, "up");
            ip("-n", host, "addr", "add", address(i) + "/24", "dev", "eth0");
            ip("-n", host, "link", "set", "eth0", "up");
            ip("-n", host, "link", "set", "lo", "up");
            // Burst about rate x 10 ms: a larger bucket would inflate short tests (platform-notes.md §7.6).
            String burst = Math.max(32, rateMbit[i] * 10 / 8) + "kb";
            String rate = rateMbit[i] + "mbit";
            run(
                    "ip", "netns", "exec", host, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", rate,
                    "burst", burst, "latency", "50ms");
            run(
                    "ip", "netns", "exec", hub(), "tc", "qdisc", "add", "dev", hubSide, "root", "tbf", "rate", rate,
                    "burst", burst, "latency", "50ms");
        }
    }

    @Override
    public void close() {
        for (String namespace : namespaces) {
            try {
                ip("netns", "del", namespace);
            } catch (IOException e) {
                System.err.println("could not delete network namespace " + namespace + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    private void addNamespace(String name) throws IOException {
        ip("netns", "add", name);
        namespaces.add(name);
    }

    private static void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(Arrays.asList(args));
        run(command.toArray(String[]::new));
    }

    static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
        }
        return output;
    }
}
