package dev.trainingplanner.engine.launch;

import dev.trainingplanner.profile.ProfileNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The torchrun side of a launch: a hostfile and, per node, the node rank, {@code CUDA_VISIBLE_DEVICES} in local-rank
 * order, the global ranks and the command line. The rank order is Megatron-LM's default (tensor fastest, then context,
 * data, pipeline), which is the order the cost model numbers ranks in; torchrun gives global rank
 * {@code nodeRank·g + localRank}, and local rank i uses the i-th device of {@code CUDA_VISIBLE_DEVICES}.
 *
 * <p>Node names come from agents. Profiles only admit names of {@link ProfileNames}' grammar, and the artifacts do not
 * rely on that: every value in the command line is quoted for a POSIX shell, and the hostfile, whose format has no
 * quoting, refuses a name that is not a node name instead of letting it add words or lines.
 */
final class TorchrunLaunch {

    /** Port the rank-0 node listens on in the generated torchrun commands. */
    static final int MASTER_PORT = 29500;

    private TorchrunLaunch() {}

    /** Words a POSIX shell reads as themselves, unquoted. */
    private static final Pattern SHELL_PLAIN = Pattern.compile("[A-Za-z0-9._,=/:@%+-]+");

    /**
     * DeepSpeed/MPI hostfile: one line per node in node-rank order.
     *
     * @throws IllegalArgumentException when a node name is not in the grammar (DeepSpeed splits lines at whitespace and
     *     has no quoting)
     */
    static String hostfile(LaunchInput input) {
        for (NodeLaunch node : input.nodes()) {
            if (!ProfileNames.isNodeName(node.node())) {
                throw new IllegalArgumentException("node name " + ProfileNames.quoted(node.node())
                        + " cannot be written to a hostfile (" + ProfileNames.NODE_RULE + ")");
            }
        }
        return input.nodes().stream()
                        .map(node -> node.node() + " slots=" + node.gpus().size())
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    /** {@code word} as one word of a POSIX shell command line: single-quoted unless it is plain. */
    static String shellWord(String word) {
        return SHELL_PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    static Map<String, Object> rankMap(LaunchInput input) {
        List<NodeLaunch> nodes = input.nodes();
        int g = input.gpusPerNode();
        String master = nodes.get(0).node();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("worldSize", input.worldSize());
        map.put("nnodes", nodes.size());
        map.put("nprocPerNode", g);
        map.put("masterAddr", master);
        map.put("masterPort", MASTER_PORT);
        map.put(
                "nodes",
                nodes.stream()
                        .map(node -> {
                            String devices =
                                    node.gpus().stream().map(String::valueOf).collect(Collectors.joining(","));
                            Map<String, Object> entry = new LinkedHashMap<>();
                            entry.put("node", node.node());
                            entry.put("nodeRank", node.nodeRank());
                            entry.put("CUDA_VISIBLE_DEVICES", devices);
                            entry.put("globalRanks", node.globalRanks());
                            entry.put(
                                    "command",
                                    "CUDA_VISIBLE_DEVICES=" + shellWord(devices) + " torchrun --nnodes="
                                            + nodes.size() + " --nproc-per-node=" + g + " --node-rank="
                                            + node.nodeRank() + " --master-addr=" + shellWord(master)
                                            + " --master-port=" + MASTER_PORT + " <training script>");
                            return entry;
                        })
                        .toList());
        return map;
    }
}
