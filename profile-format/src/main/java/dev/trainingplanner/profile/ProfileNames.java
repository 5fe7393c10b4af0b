package dev.trainingplanner.profile;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The grammar of the names a profile carries, checked wherever a name enters (profile upload, agent options, CLI
 * profiles, cluster registration). Node names end up in launch artifacts that are parsed by a shell (the torchrun
 * command), by DeepSpeed's hostfile reader (whitespace-separated, one node per line) and by JSON readers, so they are
 * restricted to hostname characters (RFC 952/1123 letters, digits, '.' and '-', plus the '_' that many sites use):
 * none of them is a shell metacharacter, whitespace, a control character or the {@code ->} of a link subject.
 */
public final class ProfileNames {

    /** Node names: up to 253 characters, the length of a fully qualified domain name (RFC 1035 §2.3.4). */
    public static final int MAX_NODE_NAME_LENGTH = 253;

    /** Cluster names also appear in URL paths; 100 characters are plenty. */
    public static final int MAX_CLUSTER_NAME_LENGTH = 100;

    /** GPU type names are the catalog's or the driver's ({@code NVIDIA H100 80GB HBM3}), which has spaces. */
    public static final int MAX_GPU_TYPE_LENGTH = 100;

    /** A node name as a regular expression (for bean validation and OpenAPI). */
    public static final String NODE_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_NODE_NAME_LENGTH - 1) + "}";

    /** A cluster name as a regular expression: the node grammar, shorter. */
    public static final String CLUSTER_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_CLUSTER_NAME_LENGTH - 1) + "}";

    /** A GPU type: letters, digits, spaces and {@code . _ - + ( ) /}, as driver names have them. */
    public static final String GPU_TYPE_PATTERN = "[A-Za-z0-9][A-Za-z0-9 ._+()/-]{0," + (MAX_GPU_TYPE_LENGTH - 1) + "}";

    /** A cell of {@code nvidia-smi topo -m} ({@code X}, {@code NV18}, {@code SYS}, ...). */
    public static final String TOPOLOGY_CELL_PATTERN = "[A-Za-z0-9._-]{1,16}";

    /** The grammar in words, for messages and documentation. */
    public static final String NODE_RULE =
            "1-" + MAX_NODE_NAME_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static final String CLUSTER_RULE =
            "1-" + MAX_CLUSTER_NAME_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static final String GPU_TYPE_RULE = "1-" + MAX_GPU_TYPE_LENGTH
            + " letters, digits, spaces or '.', '_', '-', '+', '(', ')', '/', starting with a letter or digit";

    private static final Pattern NODE = Pattern.compile(NODE_PATTERN);
    private static final Pattern CLUSTER = Pattern.compile(CLUSTER_PATTERN);
    private static final Pattern GPU_TYPE = Pattern.compile(GPU_TYPE_PATTERN);
    private static final Pattern TOPOLOGY_CELL = Pattern.compile(TOPOLOGY_CELL_PATTERN);

    private ProfileNames() {}

    public static boolean isNodeName(String name) {
        return name != null && NODE.matcher(name).matches();
    }

    public static boolean isClusterName(String name) {
        return name != null && CLUSTER.matcher(name).matches();
    }

    static boolean isGpuType(String type) {
        return type != null && GPU_TYPE.matcher(type).matches();
    }

    static boolean isTopologyCell(String cell) {
        return cell != null && TOPOLOGY_CELL.matcher(cell).matches();
    }

    /** Why {@code name} is not a node name, for a message that starts with {@code where}; empty when it is one. */
    public static Optional<String> nodeNameProblem(String name, String where) {
        return isNodeName(name)
                ? Optional.empty()
                : Optional.of(where + " " + quoted(name) + " is not a node name (" + NODE_RULE + ")");
    }

    /**
     * Why {@code id} is not an NVLink domain id, for a message that starts with {@code where}; empty when it is one.
     * Domain ids follow the node grammar: the agent writes {@code <ClusterUUID>.<CliqueId>} of {@code nvidia-smi -q}'s
     * Fabric section, and operators name racks as they name hosts.
     */
    public static Optional<String> nvlinkDomainProblem(String id, String where) {
        return isNodeName(id)
                ? Optional.empty()
                : Optional.of(where + " " + (id == null ? "null" : quoted(id)) + " is not an NVLink domain id ("
                        + NODE_RULE + ")");
    }

    /** Why {@code name} is not a cluster name, for a message that starts with {@code where}; empty when it is one. */
    public static Optional<String> clusterNameProblem(String name, String where) {
        return isClusterName(name)
                ? Optional.empty()
                : Optional.of(where + " " + quoted(name) + " is not a cluster name (" + CLUSTER_RULE + ")");
    }

    /**
     * A name as a message shows it: control characters escaped, so that a hostile name cannot forge lines in a log,
     * and long names cut.
     */
    public static String quoted(String name) {
        StringBuilder text = new StringBuilder("'");
        name.codePoints().limit(60).forEach(c -> {
            if (Character.isISOControl(c)) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        return text.append(name.length() > 60 ? "...'" : "'").toString();
    }
}
