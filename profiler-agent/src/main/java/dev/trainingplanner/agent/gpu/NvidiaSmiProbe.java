package dev.trainingplanner.agent.gpu;

import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ClusterProfile.IntraNodeProfile;
import dev.trainingplanner.profile.GpuCatalogNames;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GPU inventory from {@code nvidia-smi}: models and memory from the CSV query, the intra-node
 * topology from {@code topo -m}, and pair bandwidth and latency from nccl-tests where that probe is given.
 */
public final class NvidiaSmiProbe implements GpuInventoryProbe {

    static final String QUERY = "index,name,memory.total,memory.used";
    private static final long MIB = 1L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CommandRunner runner;
    private final String executable;
    private final NcclPairBandwidthProbe ncclProbe;

    public NvidiaSmiProbe(CommandRunner runner, String executable, NcclPairBandwidthProbe ncclProbe) {
        this.runner = runner;
        this.executable = executable;
        this.ncclProbe = ncclProbe;
    }

    @Override
    public GpuInventory probe() {
        CommandRunner.Result query;
        try {
            query = runner.run(List.of(executable, "--query-gpu=" + QUERY, "--format=csv,nounits"), Map.of(), TIMEOUT);
        } catch (CommandRunner.NotFoundException e) {
            return GpuInventory.none("nvidia-smi not found (" + executable + ")");
        } catch (IOException e) {
            return GpuInventory.none("nvidia-smi failed: " + e.getMessage());
        }
        if (query.exitCode() != 0) {
            return GpuInventory.none("nvidia-smi exited with " + query.exitCode() + " ("
                    + query.stderr().strip() + query.stdout().strip() + ")");
        }
        List<String> notes = new ArrayList<>();
        List<GpuProfile> gpus;
        try {
            gpus = gpusFromCsv(query.stdout());
        } catch (IllegalArgumentException e) {
            return GpuInventory.none("nvidia-smi output unreadable (" + e.getMessage() + ")");
        }
        List<List<String>> topology = topology(gpus.size(), notes);
        NcclPairBandwidthProbe.PairLinks pairs = ncclProbe == null ? null : ncclProbe.measure(gpus.size(), notes);
        IntraNodeProfile intraNode = topology == null && pairs == null
                ? null
                : new IntraNodeProfile(
                        pairs == null ? null : pairs.bandwidthGBps(),
                        pairs == null ? null : pairs.latencyUs(),
                        topology);
        return new GpuInventory(gpus, intraNode, notes, null);
    }

    /** Converts the CSV query (with header, MiB values) to GPUs; unknown models keep their reported name. */
    public static List<GpuProfile> gpusFromCsv(String csv) {
        List<GpuProfile> gpus = new ArrayList<>();
        List<Map<String, String>> rows = NvidiaSmiCsv.parseWithHeader(csv);
        for (int position = 0; position < rows.size(); position++) {
            gpus.add(gpu(rows.get(position), position));
        }
        return gpus;
    }

    /** Converts one parsed row; {@code position} is used where the query has no index column. */
    public static GpuProfile gpu(Map<String, String> row, int position) {
        String name = row.get("name");
        if (name == null) {
            throw new IllegalArgumentException("nvidia-smi row has no GPU name: " + row);
        }
        Double index = NvidiaSmiCsv.number(row.get("index"));
        Long total = mibToBytes(NvidiaSmiCsv.number(row.get("memory.total")));
        Long used = mibToBytes(NvidiaSmiCsv.number(row.get("memory.used")));
        String type = GpuCatalogNames.catalogType(name, total).orElse(name);
        return new GpuProfile(
                index == null ? position : index.intValue(), type, total, used, null, null, GpuProfile.MEASURED);
    }

    private List<List<String>> topology(int gpuCount, List<String> notes) {
        if (gpuCount < 2) {
            return null;
        }
        try {
            CommandRunner.Result result = runner.run(List.of(executable, "topo", "-m"), Map.of(), TIMEOUT);
            if (result.exitCode() != 0) {
                notes.add("nvidia-smi topo -m exited with " + result.exitCode() + ": no topology");
                return null;
            }
            Optional<List<List<String>>> matrix =
                    TopologyMatrix.parse(result.stdout()).gpuMatrix(gpuCount);
            if (matrix.isEmpty()) {
                notes.add("nvidia-smi topo -m does not list every GPU pair: no topology");
            }
            return matrix.orElse(null);
        } catch (IOException | IllegalArgumentException e) {
            notes.add("nvidia-smi topo -m unusable: " + e.getMessage());
            return null;
        }
    }

    private static Long mibToBytes(Double mib) {
        return mib == null ? null : Math.round(mib * MIB);
    }
}
