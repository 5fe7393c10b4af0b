package dev.trainingplanner.costmodel.layout;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/** How an MoE layer moves tokens to the GPUs that hold their experts and back (Megatron-Core token dispatchers). */
public enum TokenDispatcher {
    /** All-to-all over the expert-parallel group: each GPU sends each token only to the GPUs of its top-k experts. */
    ALLTOALL("alltoall"),
    /** All-gather of every token over the EP group and a reduce-scatter back; simple, moves EP times the tokens. */
    ALLGATHER("allgather"),
    /**
     * Two-level all-to-all: tokens cross the network once per destination node (or NVLink domain), then fan out over
     * NVLink there (DeepEP's internode kernels, Megatron's {@code flex} dispatcher).
     */
    HIERARCHICAL("hierarchical");

    private final String externalName;

    TokenDispatcher(String externalName) {
        this.externalName = externalName;
    }

    /** The name used in JSON, CSV and messages. */
    public String externalName() {
        return externalName;
    }

    public static TokenDispatcher parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(d -> d.externalName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new InvalidInputException(
                        "token dispatcher must be alltoall, allgather or" + " hierarchical, got '" + name + "'"));
    }
}
