package dev.trainingplanner.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads YAML into Jackson trees. SnakeYAML does the parsing because it resolves anchors and merge keys
 * ({@code <<: *planner}) the way Docker Compose does; Jackson gives the path navigation the tests use.
 */
public final class YamlDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private YamlDocuments() {}

    /** Every non-empty document of a multi-document stream, such as {@code helm template} output. */
    public static List<JsonNode> readAll(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            if (Objects.nonNull(document)) {
                documents.add(JSON.valueToTree(document));
            }
        }
        return documents;
    }
}
