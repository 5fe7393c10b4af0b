package dev.trainingplanner.agent.gpu;

import dev.trainingplanner.profile.ClusterProfile.GpuProfile;
import dev.trainingplanner.profile.ProfileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * GPUs an operator declares where {@code nvidia-smi} cannot be run. One GPU per line:
 * {@code INDEX TYPE [memoryGiB=N] [peakTflops=N]}; {@code #} starts a comment. Every GPU is marked
 * {@code declared} in the profile. A line {@code nvlinkDomain=ID} declares the node's NVLink domain (the id its NVL72
 * rack's trays share) for machines whose {@code nvidia-smi -q} cannot read the fabric; a fabric that
 * {@code nvidia-smi -q} does read wins ({@link NvidiaSmiFabric#choose}).
 */
public final class DeclaredGpusFile implements GpuInventoryProbe {

    private static final double GIB = 1L << 30;
    private static final String NVLINK_DOMAIN = "nvlinkDomain=";

    /** What the file declares: the GPUs and the node's NVLink domain (null when it names none). */
    public record Declaration(List<GpuProfile> gpus, String nvlinkDomain) {}

    private final Path file;

    public DeclaredGpusFile(Path file) {
        this.file = file;
    }

    @Override
    public GpuInventory probe() {
        try {
            Declaration declared = parse(Files.readString(file), file.toString());
            return new GpuInventory(declared.gpus(), null, List.of(), declared.nvlinkDomain());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --gpus-file " + file + ": " + e.getMessage());
        }
    }

    public static Declaration parse(String text, String origin) {
        List<GpuProfile> gpus = new ArrayList<>();
        String nvlinkDomain = null;
        Set<Integer> indices = new HashSet<>();
        int lineNumber = 0;
        for (String rawLine : text.lines().toList()) {
            lineNumber++;
            int comment = rawLine.indexOf('#');
            String line = (comment >= 0 ? rawLine.substring(0, comment) : rawLine).trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = origin + " line " + lineNumber;
            if (line.startsWith(NVLINK_DOMAIN)) {
                if (nvlinkDomain != null) {
                    throw new IllegalArgumentException(where + ": nvlinkDomain is declared twice");
                }
                String id = line.substring(NVLINK_DOMAIN.length());
                ProfileNames.nvlinkDomainProblem(id, where + ": nvlinkDomain").ifPresent(problem -> {
                    throw new IllegalArgumentException(problem);
                });
                nvlinkDomain = id;
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length < 2) {
                throw new IllegalArgumentException(
                        where + ": expected 'INDEX TYPE [memoryGiB=N] [peakTflops=N]' or 'nvlinkDomain=ID'");
            }
            int index;
            try {
                index = Integer.parseInt(words[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": GPU index '" + words[0] + "' is not a number");
            }
            if (index < 0 || !indices.add(index)) {
                throw new IllegalArgumentException(where + ": GPU index " + index + " is negative or repeated");
            }
            Long memoryBytes = null;
            Double peakTflops = null;
            for (int i = 2; i < words.length; i++) {
                String[] pair = words[i].split("=", 2);
                double value = positive(pair, where);
                switch (pair[0]) {
                    case "memoryGiB" -> memoryBytes = Math.round(value * GIB);
                    case "peakTflops" -> peakTflops = value;
                    default -> throw new IllegalArgumentException(
                            where + ": unknown attribute '" + pair[0] + "' (memoryGiB, peakTflops)");
                }
            }
            gpus.add(new GpuProfile(index, words[1], memoryBytes, null, null, peakTflops, GpuProfile.DECLARED));
        }
        return new Declaration(gpus, nvlinkDomain);
    }

    private static double positive(String[] pair, String where) {
        try {
            double value = pair.length == 2 ? Double.parseDouble(pair[1]) : Double.NaN;
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the offending text
        }
        throw new IllegalArgumentException(where + ": '" + String.join("=", pair) + "' needs a positive number");
    }
}
