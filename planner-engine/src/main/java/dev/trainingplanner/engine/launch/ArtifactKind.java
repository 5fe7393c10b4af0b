package dev.trainingplanner.engine.launch;

import java.util.Arrays;
import java.util.List;

/** The launch artifacts served for a plan, by their names in {@code /api/v1/plans/{id}/artifacts/{kind}}. */
public enum ArtifactKind {
    MEGATRON_ARGS("megatron-args", false),
    DEEPSPEED_CONFIG("deepspeed-config", true),
    HOSTFILE("hostfile", false),
    RANK_MAP("rank-map", true);

    private final String kindName;
    private final boolean json;

    ArtifactKind(String kindName, boolean json) {
        this.kindName = kindName;
        this.json = json;
    }

    public String kindName() {
        return kindName;
    }

    /** Whether the artifact is a JSON document (otherwise plain text). */
    public boolean json() {
        return json;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ArtifactKind::kindName).toList();
    }

    public static ArtifactKind parse(String name) {
        return Arrays.stream(values())
                .filter(kind -> kind.kindName.equals(name))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown artifact kind '" + name + "'; use one of " + names()));
    }
}
