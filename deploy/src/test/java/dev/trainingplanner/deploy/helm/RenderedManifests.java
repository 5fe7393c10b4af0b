package dev.trainingplanner.deploy.helm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.deploy.YamlDocuments;
import java.util.List;

/** The Kubernetes objects of one {@code helm template} run, looked up by kind (and name). */
public record RenderedManifests(List<JsonNode> objects) {

    public static RenderedManifests of(String yaml) {
        return new RenderedManifests(YamlDocuments.readAll(yaml));
    }

    public List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asText()).sorted().toList();
    }

    public List<JsonNode> all(String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    public JsonNode single(String kind) {
        List<JsonNode> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("Expected one " + kind + ", rendered " + found.size() + ": " + kinds());
        }
        return found.get(0);
    }

    public JsonNode named(String kind, String name) {
        return all(kind).stream()
                .filter(o -> o.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No " + kind + " named " + name + " in " + kinds()));
    }
}
