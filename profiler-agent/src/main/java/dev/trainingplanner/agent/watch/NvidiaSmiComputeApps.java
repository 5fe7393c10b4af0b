package dev.trainingplanner.agent.watch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Output of {@code nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits}: one
 * {@code PID, MiB} line per process and GPU. The header ({@code pid, used_gpu_memory [MiB]}) and the {@code MiB} unit
 * of the plain {@code --format=csv} are accepted too; {@code [N/A]} (drivers that cannot attribute memory, e.g. under
 * WDDM) is skipped. A process with memory on several GPUs (a context on a neighbour's GPU) is counted at its largest,
 * which is the one on its own GPU.
 */
public final class NvidiaSmiComputeApps {

    private static final long MIB = 1L << 20;

    private NvidiaSmiComputeApps() {}

    /** Used bytes by process id. */
    public static Map<Long, Long> usedBytesByPid(String output) {
        Map<Long, Long> used = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            String[] fields = line.split(",");
            if (fields.length != 2) {
                continue;
            }
            String pid = fields[0].strip();
            String mib = fields[1].strip().replaceFirst("\\s*MiB$", "");
            if (!pid.matches("\\d+") || !mib.matches("\\d+")) {
                continue;
            }
            used.merge(Long.parseLong(pid), Long.parseLong(mib) * MIB, Math::max);
        }
        return used;
    }
}
