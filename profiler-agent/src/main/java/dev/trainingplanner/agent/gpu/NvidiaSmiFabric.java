package dev.trainingplanner.agent.gpu;

import dev.trainingplanner.profile.ProfileNames;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NVLink domain of this node from the {@code Fabric} section that {@code nvidia-smi -q} prints for every GPU:
 *
 * <pre>
 *     Fabric
 *         State                             : Completed
 *         Status                            : Success
 *         CliqueId                          : 2
 *         ClusterUUID                       : dc6e40c4-d722-4357-9ba6-5291dd461278
 * </pre>
 *
 * <p>The fields are NVML's {@code nvmlGpuFabricInfo_t} (NVML API Reference, "Fabric definitions"): GPUs reach each
 * other over a multi-node NVLink fabric when they share both the cluster UUID and the clique id (the clique id alone is
 * not unique, NVIDIA/nccl#1301), and both mean something only when the state is {@code Completed} and the status, which
 * NVML says "must be checked only if state returns complete", is {@code Success}. The domain id is therefore
 * {@code <ClusterUUID>.<CliqueId>}, taken only when every GPU of the node reports the same completed, successful
 * registration. A zero cluster UUID names no fabric: NVSwitch systems without a multi-node fabric (H100) may report a
 * completed state with it (meta-pytorch/torchcomms#1385, Azure/azhpc-images#506), and taking it would put every such
 * node in one domain.
 */
public final class NvidiaSmiFabric {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern GPU_HEADER = Pattern.compile("^GPU (\\S+)\\s*$");
    private static final Pattern FIELD = Pattern.compile("^(\\s*)([^:]+?)\\s*:\\s*(.*?)\\s*$");
    private static final Pattern CLIQUE_ID = Pattern.compile("\\d{1,10}");
    private static final Pattern UUID =
            Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");
    private static final Pattern ZERO_UUID = Pattern.compile("[0-]+");

    /**
     * What the Fabric sections say: the node's domain id, or none and why.
     *
     * @param nvlinkDomain {@code <ClusterUUID>.<CliqueId>}, or null
     * @param reason how the domain was found, or why there is none
     */
    public record Reading(String nvlinkDomain, String reason) {

        static Reading none(String why) {
            return new Reading(null, why);
        }

        public Optional<String> domain() {
            return Optional.ofNullable(nvlinkDomain);
        }
    }

    private NvidiaSmiFabric() {}

    /** Runs {@code nvidia-smi -q} and reads its Fabric sections; a missing or failing tool gives no domain. */
    public static Reading read(CommandRunner runner, String executable) {
        CommandRunner.Result result;
        try {
            result = runner.run(List.of(executable, "-q"), Map.of(), TIMEOUT);
        } catch (CommandRunner.NotFoundException e) {
            return Reading.none("nvidia-smi not found (" + executable + ")");
        } catch (IOException e) {
            return Reading.none("nvidia-smi -q failed: " + e.getMessage());
        }
        if (result.exitCode() != 0) {
            return Reading.none("nvidia-smi -q exited with " + result.exitCode());
        }
        return parse(result.stdout());
    }

    /** Reads the Fabric section of every GPU in {@code nvidia-smi -q} output. */
    public static Reading parse(String output) {
        Map<String, Map<String, String>> fabricByGpu = fabricSections(output);
        if (fabricByGpu.isEmpty()) {
            return Reading.none("nvidia-smi -q lists no GPU");
        }
        Set<String> domains = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, String>> gpu : fabricByGpu.entrySet()) {
            String where = "GPU " + gpu.getKey();
            Map<String, String> fabric = gpu.getValue();
            if (fabric == null) {
                return Reading.none(where + " has no Fabric section in nvidia-smi -q");
            }
            String state = fabric.getOrDefault("State", "absent");
            if (!state.equals("Completed")) {
                return Reading.none(where + ": fabric State is '" + state + "', not Completed");
            }
            String status = fabric.getOrDefault("Status", "absent");
            if (!status.equals("Success")) {
                return Reading.none(where + ": fabric Status is '" + status + "', not Success");
            }
            String uuid = fabric.getOrDefault("ClusterUUID", "absent");
            if (!UUID.matcher(uuid).matches() || ZERO_UUID.matcher(uuid).matches()) {
                return Reading.none(where + ": fabric ClusterUUID '" + uuid + "' names no fabric");
            }
            String clique = fabric.getOrDefault("CliqueId", "absent");
            if (!CLIQUE_ID.matcher(clique).matches()) {
                return Reading.none(where + ": fabric CliqueId '" + clique + "' is not a number");
            }
            domains.add(uuid.toLowerCase(Locale.ROOT) + "." + Long.parseLong(clique));
        }
        if (domains.size() > 1) {
            return Reading.none("the GPUs of this node report different fabrics: " + String.join(", ", domains));
        }
        String domain = domains.iterator().next();
        Optional<String> problem = ProfileNames.nvlinkDomainProblem(domain, "fabric");
        if (problem.isPresent()) {
            return Reading.none(problem.get());
        }
        return new Reading(
                domain,
                "nvlinkDomain " + domain + " from nvidia-smi -q (Fabric ClusterUUID.CliqueId of " + fabricByGpu.size()
                        + " GPU(s))");
    }

    /**
     * The first-level fields of each GPU's Fabric section by GPU (bus id), in output order; null for a GPU without one.
     * Nested blocks ({@code Health}) are skipped: their keys belong to them, not to the fabric.
     */
    private static Map<String, Map<String, String>> fabricSections(String output) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        String gpu = null;
        int fabricIndent = -1;
        int fieldIndent = -1;
        for (String line : output.lines().toList()) {
            Matcher header = GPU_HEADER.matcher(line);
            if (header.matches()) {
                gpu = header.group(1);
                sections.put(gpu, null);
                fabricIndent = -1;
                continue;
            }
            if (gpu == null || line.isBlank()) {
                continue;
            }
            int indent = indent(line);
            if (line.strip().equals("Fabric")) {
                fabricIndent = indent;
                fieldIndent = -1;
                sections.put(gpu, new LinkedHashMap<>());
                continue;
            }
            if (fabricIndent < 0) {
                continue;
            }
            if (indent <= fabricIndent) {
                fabricIndent = -1;
                continue;
            }
            fieldIndent = fieldIndent < 0 ? indent : fieldIndent;
            Matcher field = FIELD.matcher(line);
            if (indent == fieldIndent && field.matches()) {
                sections.get(gpu).put(field.group(2), field.group(3));
            }
        }
        return sections;
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * The node's domain: the fabric's where it names one, else the one {@code --gpus-file} declares (for machines whose
     * {@code nvidia-smi} cannot read the fabric), else none.
     *
     * @param declared the {@code nvlinkDomain=} of the GPUs file, or null
     * @param notes where the choice is explained
     */
    public static String choose(Reading fabric, String declared, List<String> notes) {
        if (fabric.domain().isPresent()) {
            notes.add(fabric.reason());
            if (declared != null && !declared.equals(fabric.nvlinkDomain())) {
                notes.add("--gpus-file's nvlinkDomain " + declared + " is not used: nvidia-smi -q reads the fabric");
            }
            return fabric.nvlinkDomain();
        }
        if (declared != null) {
            notes.add("nvlinkDomain " + declared + " from --gpus-file (" + fabric.reason() + ")");
            return declared;
        }
        notes.add("no nvlinkDomain: " + fabric.reason());
        return null;
    }
}
