package dev.trainingplanner.costmodel.batch;

import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.cluster.GpuCatalog;
import dev.trainingplanner.costmodel.cluster.GpuType;
import dev.trainingplanner.costmodel.layout.ExpertParallelism;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.layout.Recompute;
import dev.trainingplanner.costmodel.layout.TokenDispatcher;
import dev.trainingplanner.costmodel.layout.ZeroPlusPlus;
import dev.trainingplanner.costmodel.model.LatentAttention;
import dev.trainingplanner.costmodel.model.MixtureOfExperts;
import dev.trainingplanner.costmodel.model.MlpKind;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.model.NormKind;
import dev.trainingplanner.costmodel.placement.Placement;
import dev.trainingplanner.costmodel.training.Framework;
import dev.trainingplanner.costmodel.training.Precision;
import dev.trainingplanner.costmodel.training.TrainingSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads one row with the input columns of {@code calibration/cases.csv} ({@code case_id} through {@code
 * nvlink_domain}) into cost-model inputs. Blank optional fields take the defaults listed in the module README
 * ({@link #DEFAULTS}); every unusable value is reported with its column name.
 */
public final class CaseRows {

    /** Columns of mixture-of-experts and Multi-head Latent Attention models; blank on a dense model. */
    static final List<String> MOE_AND_MLA_COLUMNS = List.of(
            "num_experts",
            "top_k",
            "moe_ffn_hidden",
            "shared_experts",
            "moe_dense_layers",
            "ep",
            "etp",
            "q_lora_rank",
            "kv_lora_rank",
            "qk_rope_head_dim",
            "v_head_dim");

    /** The input columns, in file order: the dense ones, then the mixture-of-experts ones, then the NVLink domain. */
    public static final List<String> INPUT_COLUMNS = Stream.of(
                    List.of(
                            "case_id",
                            "source_id",
                            "sweep_id",
                            "model",
                            "layers",
                            "hidden",
                            "ffn_hidden",
                            "heads",
                            "kv_heads",
                            "vocab",
                            "seq_len",
                            "mlp",
                            "global_batch",
                            "micro_batch",
                            "precision",
                            "gpu",
                            "num_gpus",
                            "gpus_per_node",
                            "intra_node_GBps",
                            "inter_node_Gbps",
                            "tp",
                            "pp",
                            "dp",
                            "cp",
                            "vpp",
                            "sp",
                            "zero_stage",
                            "zeropp",
                            "recompute",
                            "flash_attn",
                            "framework",
                            "head_dim"),
                    MOE_AND_MLA_COLUMNS,
                    List.of("nvlink_domain"))
            .flatMap(List::stream)
            .toList();

    /** Columns without which no row can be estimated. */
    public static final List<String> REQUIRED_COLUMNS =
            List.of("case_id", "layers", "hidden", "heads", "vocab", "seq_len", "gpu");

    /** Documented defaults for blank optional fields. */
    public static final String DEFAULTS = String.join(
            "\n",
            "ffn_hidden: 4 x hidden",
            "head_dim: hidden / heads",
            "num_experts: blank = dense; with num_experts, top_k and moe_ffn_hidden are required, shared_experts and"
                    + " moe_dense_layers default to 0",
            "ep, etp: 1; the token dispatcher is alltoall without all-to-all overlap and routing is dropless and"
                    + " balanced (load imbalance 1.0): the file has no column for them (module README, \"MoE rows\")",
            "q_lora_rank: 0 (queries projected directly); kv_lora_rank, qk_rope_head_dim and v_head_dim: all blank"
                    + " (standard attention) or all given (latent attention)",
            "kv_heads: heads",
            "mlp: gelu",
            "micro_batch: 1",
            "global_batch: micro_batch x dp (one micro-batch per replica)",
            "precision: bf16 (fp16 on GPUs without bf16, i.e. V100)",
            "gpus_per_node: 8 (a world that does not fill whole nodes uses the largest divisor of it that fits a node)",
            "intra_node_GBps, inter_node_Gbps: the GPU catalog's reference system",
            "tp, pp, cp, vpp: 1",
            "dp: num_gpus / (tp x pp x cp); num_gpus: tp x pp x dp x cp",
            "sp: 1 when tp > 1, else 0 (Megatron-Core / NeMo default)",
            "zero_stage: 1 (Megatron distributed optimizer)",
            "zeropp: none",
            "recompute: none",
            "flash_attn: 1",
            "tied embeddings: gelu models tied (GPT), swiglu models untied (Llama)");

    private CaseRows() {}

    public static CaseInputs parse(Map<String, String> row) {
        String caseId = text(row, "case_id");
        if (caseId.isEmpty()) {
            throw new InvalidInputException("case_id is blank");
        }
        int layers = requiredInt(row, "layers");
        int hidden = requiredInt(row, "hidden");
        int heads = requiredInt(row, "heads");
        int ffn = optionalInt(row, "ffn_hidden", 4 * hidden);
        int kvHeads = optionalInt(row, "kv_heads", heads);
        int vocab = requiredInt(row, "vocab");
        int seq = requiredInt(row, "seq_len");
        MlpKind mlp =
                switch (text(row, "mlp").toLowerCase(Locale.ROOT)) {
                    case "", "gelu" -> MlpKind.GELU;
                    case "swiglu" -> MlpKind.SWIGLU;
                    default -> throw new InvalidInputException(
                            "mlp must be gelu or swiglu, got '" + text(row, "mlp") + "'");
                };
        boolean flash = optionalFlag(row, "flash_attn", true);
        String name = text(row, "model").isEmpty() ? caseId : text(row, "model");
        ModelSpec model = new ModelSpec(
                name,
                layers,
                hidden,
                ffn,
                heads,
                kvHeads,
                vocab,
                seq,
                mlp,
                mlp == MlpKind.GELU,
                flash,
                mlp == MlpKind.SWIGLU ? NormKind.RMS_NORM : NormKind.LAYER_NORM,
                optionalInt(row, "head_dim", 0),
                latentAttention(row),
                mixtureOfExperts(row));

        GpuType gpu = GpuCatalog.byName(text(row, "gpu"));
        int tp = optionalInt(row, "tp", 1);
        int pp = optionalInt(row, "pp", 1);
        int cp = optionalInt(row, "cp", 1);
        int vpp = optionalInt(row, "vpp", 1);
        String numGpusText = text(row, "num_gpus");
        String dpText = text(row, "dp");
        int dp;
        if (!dpText.isEmpty()) {
            dp = requiredInt(row, "dp");
        } else if (!numGpusText.isEmpty()) {
            int gpus = requiredInt(row, "num_gpus");
            long modelParallel = (long) tp * pp * cp;
            if (gpus % modelParallel != 0) {
                throw new InvalidInputException(
                        "num_gpus " + gpus + " is not divisible by tp x pp x cp = " + modelParallel);
            }
            dp = (int) (gpus / modelParallel);
        } else {
            dp = 1;
        }
        int world = tp * pp * dp * cp;
        if (!numGpusText.isEmpty() && requiredInt(row, "num_gpus") != world) {
            throw new InvalidInputException(
                    "num_gpus " + requiredInt(row, "num_gpus") + " differs from tp x pp x dp x cp = " + world);
        }
        int micro = optionalInt(row, "micro_batch", 1);
        int global = optionalInt(row, "global_batch", micro * dp);
        Precision precision = precision(row, gpu);
        TrainingSpec training = new TrainingSpec(global, micro, precision, framework(row));

        boolean sp = optionalFlag(row, "sp", tp > 1);
        int zero = optionalInt(row, "zero_stage", 1, 0);
        if (zero > 3) {
            throw new InvalidInputException("zero_stage must be 0, 1, 2 or 3, got " + zero);
        }
        Layout layout = Layout.builder()
                .tp(tp)
                .pp(pp)
                .dp(dp)
                .cp(cp)
                .virtualStages(vpp)
                .sequenceParallel(sp)
                .recompute(recompute(row))
                .zeroStage(zero)
                .zeroPlusPlus(zeroPlusPlus(row, gpuCountPerNode(row, gpu)))
                .expertParallelism(expertParallelism(row))
                .build();

        int perNode = gpuCountPerNode(row, gpu);
        // A world that does not fill whole nodes uses the largest divisor of it that fits a node on each node used.
        int used = Math.min(perNode, world);
        while (world % used != 0) {
            used--;
        }
        int nodes = world / used;
        Cluster.Builder cluster = Cluster.builder(gpu, nodes, perNode);
        int nodesPerDomain = nodesPerJobInDomain(
                nodesPerNvlinkDomain(row, perNode),
                perNode,
                model.mixtureOfExperts().isPresent()
                        ? layout.expertParallelism().expertShards()
                        : 1);
        if (nodesPerDomain > 1) {
            for (int node = 0; node < nodes; node++) {
                cluster.nvlinkDomain(node, "nvlink-domain-" + node / nodesPerDomain);
            }
        }
        String intra = text(row, "intra_node_GBps");
        if (!intra.isEmpty()) {
            cluster.defaultIntraNodeBandwidth(positiveDouble(row, "intra_node_GBps") * 1e9);
        }
        String inter = text(row, "inter_node_Gbps");
        if (!inter.isEmpty()) {
            cluster.nodeNetworkBandwidth(positiveDouble(row, "inter_node_Gbps") * 1e9 / 8);
        }
        Cluster built = cluster.build();
        Placement placement = Placement.packed(built, nodes, used);
        return new CaseInputs(caseId, model, training, built, layout, placement);
    }

    /**
     * The MoE block of the row: blank {@code num_experts} is a dense model, and then no other MoE column may be filled;
     * otherwise top_k and moe_ffn_hidden are required ({@link MixtureOfExperts} checks their ranges).
     */
    static MixtureOfExperts mixtureOfExperts(Map<String, String> row) {
        List<String> moeColumns = List.of("top_k", "moe_ffn_hidden", "shared_experts", "moe_dense_layers");
        if (text(row, "num_experts").isEmpty()) {
            List<String> filled = filled(row, moeColumns);
            if (!filled.isEmpty()) {
                throw new InvalidInputException(filled + " are filled but num_experts is blank; give num_experts for a"
                        + " mixture-of-experts model or leave them blank for a dense one");
            }
            return MixtureOfExperts.NONE;
        }
        int experts = requiredInt(row, "num_experts");
        if (text(row, "top_k").isEmpty() || text(row, "moe_ffn_hidden").isEmpty()) {
            throw new InvalidInputException("num_experts " + experts + " needs top_k and moe_ffn_hidden as well");
        }
        int topK = requiredInt(row, "top_k");
        if (topK > experts) {
            throw new InvalidInputException("top_k " + topK + " exceeds num_experts " + experts);
        }
        return new MixtureOfExperts(
                experts,
                topK,
                requiredInt(row, "moe_ffn_hidden"),
                optionalInt(row, "shared_experts", 0, 0),
                optionalInt(row, "moe_dense_layers", 0, 0));
    }

    /**
     * Multi-head Latent Attention of the row: kv_lora_rank, qk_rope_head_dim and v_head_dim all blank (standard
     * attention) or all given; q_lora_rank may stay blank or 0 (queries projected directly, as DeepSeek-V2-Lite).
     */
    static LatentAttention latentAttention(Map<String, String> row) {
        List<String> required = List.of("kv_lora_rank", "qk_rope_head_dim", "v_head_dim");
        List<String> filled = filled(row, required);
        if (filled.isEmpty()) {
            if (!text(row, "q_lora_rank").isEmpty() && optionalInt(row, "q_lora_rank", 0, 0) > 0) {
                throw new InvalidInputException(
                        "q_lora_rank is filled but kv_lora_rank, qk_rope_head_dim and v_head_dim are blank; latent"
                                + " attention needs all three");
            }
            return LatentAttention.NONE;
        }
        if (filled.size() < required.size()) {
            List<String> blank =
                    required.stream().filter(c -> !filled.contains(c)).toList();
            throw new InvalidInputException("latent attention columns are partly filled: " + filled + " given, " + blank
                    + " blank; give all of kv_lora_rank, qk_rope_head_dim and v_head_dim or none");
        }
        return new LatentAttention(
                optionalInt(row, "q_lora_rank", 0, 0),
                requiredInt(row, "kv_lora_rank"),
                requiredInt(row, "qk_rope_head_dim"),
                requiredInt(row, "v_head_dim"));
    }

    /**
     * The expert layout of the row: ep and etp from their columns; the dispatcher, all-to-all overlap and CUDA-graph
     * scope from the recipe settings that the note records as {@code dispatcher=NAME}, {@code moe_a2a_overlap=0|1}
     * and {@code cuda_graph=SCOPE} tokens ({@code full_iteration} captures the MoE layers; the file has no column
     * for them; module README, "MoE rows"). Megatron-Bridge's {@code hybridep}, {@code deepep} and
     * {@code flex} dispatchers are the hierarchical NVLink-then-network kind; without a token the dispatcher is
     * Megatron-Core's default {@code alltoall} without overlap. Routing is dropless and force-balanced, as the
     * published benchmarks run it (their page footnote), so the busiest expert sees the mean load.
     */
    static ExpertParallelism expertParallelism(Map<String, String> row) {
        ExpertParallelism experts = ExpertParallelism.of(optionalInt(row, "ep", 1), optionalInt(row, "etp", 1));
        String dispatcher = recipeSetting(row, "dispatcher");
        if (dispatcher != null) {
            experts = experts.withDispatcher(
                    switch (dispatcher) {
                        case "hybridep", "deepep", "flex" -> TokenDispatcher.HIERARCHICAL;
                        default -> TokenDispatcher.parse(dispatcher);
                    });
        }
        String graph = recipeSetting(row, "cuda_graph");
        if (graph != null) {
            experts = experts.withGraphCaptured(graph.equals("full_iteration"));
        }
        String overlap = recipeSetting(row, "moe_a2a_overlap");
        if (overlap != null) {
            if (!overlap.equals("0") && !overlap.equals("1")) {
                throw new InvalidInputException("note: moe_a2a_overlap must be 0 or 1, got '" + overlap + "'");
            }
            experts = experts.withAllToAllOverlap(overlap.equals("1"));
        }
        return experts;
    }

    /** The value of a {@code key=value} recipe token of the note (tokens separated by ';'), or null. */
    private static String recipeSetting(Map<String, String> row, String key) {
        for (String token : text(row, "note").split(";")) {
            String trimmed = token.trim();
            if (trimmed.startsWith(key + "=")) {
                return trimmed.substring(key.length() + 1).trim().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /**
     * Trays of one NVLink domain that the job uses: the most, up to the domain's, whose GPUs hold whole expert groups
     * of {@code expertShards} GPUs, so that no EP group straddles two racks (a scheduler allocates trays per rack, and
     * the planner's placement keeps EP groups inside a domain where it can). A 72-GPU NVL72 rack thus runs one EP group
     * of 64 on 16 of its 18 trays. Dense models and groups wider than the domain use every tray.
     */
    static int nodesPerJobInDomain(int nodesPerDomain, int gpusPerNode, int expertShards) {
        if (expertShards <= gpusPerNode || expertShards > nodesPerDomain * gpusPerNode) {
            return nodesPerDomain;
        }
        for (int nodes = nodesPerDomain; nodes >= 1; nodes--) {
            if ((nodes * gpusPerNode) % expertShards == 0) {
                return nodes;
            }
        }
        return nodesPerDomain;
    }

    private static List<String> filled(Map<String, String> row, List<String> columns) {
        return columns.stream().filter(column -> !text(row, column).isEmpty()).toList();
    }

    /**
     * Nodes per NVLink domain from {@code nvlink_domain} (GPUs per domain, e.g. 72 for a GB200/GB300 NVL72 rack of 18
     * trays of 4): consecutive nodes form one domain. 1 when the column is blank or names the node itself.
     */
    private static int nodesPerNvlinkDomain(Map<String, String> row, int gpusPerNode) {
        if (text(row, "nvlink_domain").isEmpty()) {
            return 1;
        }
        int domain = requiredInt(row, "nvlink_domain");
        if (domain < gpusPerNode || domain % gpusPerNode != 0) {
            throw new InvalidInputException("nvlink_domain " + domain + " must be a multiple of gpus_per_node "
                    + gpusPerNode + " (an NVLink domain is made of whole nodes)");
        }
        return domain / gpusPerNode;
    }

    private static Framework framework(Map<String, String> row) {
        String framework = text(row, "framework");
        return framework.isEmpty() ? Framework.MEGATRON : Framework.parse(framework);
    }

    private static int gpuCountPerNode(Map<String, String> row, GpuType gpu) {
        return optionalInt(row, "gpus_per_node", 8);
    }

    private static Precision precision(Map<String, String> row, GpuType gpu) {
        String value = text(row, "precision");
        return value.isEmpty() ? gpu.halfPrecision() : Precision.parse(value);
    }

    private static Recompute recompute(Map<String, String> row) {
        String value = text(row, "recompute").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "none" -> Recompute.NONE;
            case "selective" -> Recompute.SELECTIVE;
            case "full" -> Recompute.FULL;
            default -> throw new InvalidInputException(
                    "recompute must be none, selective or full, got '" + text(row, "recompute") + "'");
        };
    }

    private static ZeroPlusPlus zeroPlusPlus(Map<String, String> row, int gpusPerNode) {
        String value = text(row, "zeropp").toLowerCase(Locale.ROOT);
        if (value.isEmpty() || value.equals("none")) {
            return ZeroPlusPlus.NONE;
        }
        boolean qwz = false;
        boolean hpz = false;
        boolean qgz = false;
        for (String part : value.split("\\+")) {
            switch (part.trim()) {
                case "qwz" -> qwz = true;
                case "hpz" -> hpz = true;
                case "qgz" -> qgz = true;
                default -> throw new InvalidInputException(
                        "zeropp must be none or a +-joined subset of qwz, hpz, qgz; got '" + text(row, "zeropp") + "'");
            }
        }
        return new ZeroPlusPlus(qwz, hpz ? gpusPerNode : 1, qgz);
    }

    private static String text(Map<String, String> row, String column) {
        String value = row.get(column);
        return value == null ? "" : value.trim();
    }

    private static int requiredInt(Map<String, String> row, String column) {
        String value = text(row, column);
        if (value.isEmpty()) {
            throw new InvalidInputException(column + " is required but blank");
        }
        try {
            double parsed = Double.parseDouble(value);
            if (parsed != Math.rint(parsed) || Math.abs(parsed) > Integer.MAX_VALUE) {
                throw new InvalidInputException(column + " must be a whole number, got '" + value + "'");
            }
            int result = (int) parsed;
            if (result < 1) {
                throw new InvalidInputException(column + " must be at least 1, got " + value);
            }
            return result;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(column + " must be a number, got '" + value + "'");
        }
    }

    private static int optionalInt(Map<String, String> row, String column, int fallback) {
        return text(row, column).isEmpty() ? fallback : requiredInt(row, column);
    }

    /** Like {@link #optionalInt} but accepts {@code minimum} (e.g. ZeRO stage 0). */
    private static int optionalInt(Map<String, String> row, String column, int fallback, int minimum) {
        String value = text(row, column);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (parsed != Math.rint(parsed) || parsed < minimum) {
                throw new InvalidInputException(
                        column + " must be a whole number of at least " + minimum + ", got '" + value + "'");
            }
            return (int) parsed;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(column + " must be a number, got '" + value + "'");
        }
    }

    private static boolean optionalFlag(Map<String, String> row, String column, boolean fallback) {
        String value = text(row, column).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "" -> fallback;
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new InvalidInputException(column + " must be 1 or 0, got '" + text(row, column) + "'");
        };
    }

    private static double positiveDouble(Map<String, String> row, String column) {
        String value = text(row, column);
        try {
            double parsed = Double.parseDouble(value);
            if (!Double.isFinite(parsed) || parsed <= 0) {
                throw new InvalidInputException(column + " must be a finite number above 0, got '" + value + "'");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(column + " must be a number, got '" + value + "'");
        }
    }
}
