package dev.trainingplanner.api.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.api.support.PlannerIntegrationTest;
import dev.trainingplanner.api.testing.Api;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard reads the API through one accessor table per OpenAPI schema ({@code assets/js/fields.js}); every path
 * in it must exist in the running service's {@code /v3/api-docs}, and its plan statuses must be the schema's enum. A
 * renamed or removed field on either side fails here instead of showing an empty cell in a browser.
 */
@PlannerIntegrationTest
class DashboardContractTest {

    private static final String FIELDS = "static/assets/js/fields.js";
    private static final Pattern TABLE =
            Pattern.compile("export const (\\w+) = fields\\('(\\w+)', \\{\\n((?:  \\w+: '[\\w.]+',\\n)+)}\\);");
    private static final Pattern ENTRY = Pattern.compile("  (\\w+): '([\\w.]+)',");
    private static final Pattern LIST = Pattern.compile("export const (\\w+) = \\[([^]]*)];");

    @LocalServerPort
    int port;

    private JsonNode schemas;
    private String fields;

    @BeforeEach
    void load() throws IOException {
        schemas = new Api(port, null)
                .get("/v3/api-docs")
                .json()
                .path("components")
                .path("schemas");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(FIELDS)) {
            assertThat(in).as(FIELDS + " on the classpath (web-ui)").isNotNull();
            fields = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyFieldTheDashboardReadsIsInTheOpenApiSchema() {
        Matcher table = TABLE.matcher(fields);
        List<String> missing = new ArrayList<>();
        int tables = 0;
        int paths = 0;
        while (table.find()) {
            tables++;
            String schema = table.group(2);
            Matcher entry = ENTRY.matcher(table.group(3));
            while (entry.find()) {
                paths++;
                String path = entry.group(2);
                if (!resolves(schemas.path(schema), path.split("\\."), 0)) {
                    missing.add(table.group(1) + "." + entry.group(1) + " = " + schema + "." + path);
                }
            }
        }
        assertThat(tables)
                .as("every fields(...) table of fields.js is in the checked format (one `name: 'path',` per line)")
                .isEqualTo(count(fields, "\nexport const ")
                        - LIST.matcher(fields).results().count())
                .isGreaterThan(20);
        assertThat(paths).isGreaterThan(100);
        assertThat(missing)
                .as("dashboard reads that the OpenAPI document lacks")
                .isEmpty();
    }

    @Test
    void planStatusesAreTheSchemasEnum() {
        Set<String> statuses = list("PLAN_STATUSES");
        for (String schema : List.of("PlanView", "PlanSummary")) {
            Set<String> documented = new LinkedHashSet<>();
            schemas.path(schema)
                    .path("properties")
                    .path("status")
                    .path("enum")
                    .forEach(v -> documented.add(v.asText()));
            assertThat(statuses).as(schema + ".status").containsExactlyElementsOf(documented);
        }
        assertThat(statuses).containsAll(list("FINISHED_STATUSES"));
    }

    @Test
    void aPathTheSchemaLacksIsReported() {
        assertThat(resolves(schemas.path("PlanView"), "result.plan.layout.tp".split("\\."), 0))
                .isTrue();
        assertThat(resolves(schemas.path("PlanView"), "result.plan.layout.tensorParallelDegree".split("\\."), 0))
                .isFalse();
        assertThat(resolves(schemas.path("PlanView"), "bestSoFar.predictedIterationSeconds".split("\\."), 0))
                .as("a oneOf property resolves in any of its shapes")
                .isTrue();
    }

    @Test
    void theJobPageReadsMeasurementsAndTheirFlagsThroughCheckedTables() {
        for (String schema : List.of(
                "MeasurementsView", "RevisionSummary", "RevisionPrediction", "MeasuredStep", "MeasurementFlag")) {
            assertThat(schemas.has(schema)).as("schema " + schema).isTrue();
            assertThat(fields).as("a fields.js table of " + schema).contains("fields('" + schema + "', {");
        }
        assertThat(resolves(schemas.path("MeasurementFlag"), "memoryNearCapacity.limitBytes".split("\\."), 0))
                .isTrue();
        assertThat(resolves(schemas.path("MeasurementFlag"), "slowerThanPlan.limitBytes".split("\\."), 0))
                .as("each kind's numbers live under their own key")
                .isFalse();
    }

    @Test
    void theJobPageReadsTheClustersCorrectionsThroughCheckedTables() {
        for (String schema : List.of("History", "Fit", "CorrectionFactor")) {
            assertThat(schemas.has(schema)).as("schema " + schema).isTrue();
            assertThat(fields).as("a fields.js table of " + schema).contains("fields('" + schema + "', {");
        }
        assertThat(resolves(schemas.path("History"), "latest.factors".split("\\."), 0))
                .isTrue();
        assertThat(resolves(schemas.path("CorrectionFactor"), "evidence.runIds".split("\\."), 0))
                .isTrue();
        assertThat(fields)
                .as("the plan's recorded correction version, compared with the latest set")
                .contains("correctionVersion: 'result.corrections.version',");
        assertThat(resolves(schemas.path("PlanView"), "result.corrections.version".split("\\."), 0))
                .isTrue();
    }

    /** Whether {@code keys[i..]} names a property path in {@code schema}, following $ref and every oneOf shape. */
    private boolean resolves(JsonNode schema, String[] keys, int i) {
        if (schema.has("$ref") && !schema.has("oneOf")) {
            return resolves(referenced(schema), keys, i);
        }
        if (i == keys.length) {
            return !schema.isMissingNode();
        }
        if (schema.has("oneOf")) {
            for (JsonNode shape : schema.path("oneOf")) {
                if (resolves(shape, keys, i)) {
                    return true;
                }
            }
            return false;
        }
        JsonNode property = schema.path("properties").path(keys[i]);
        return !property.isMissingNode() && resolves(property, keys, i + 1);
    }

    private JsonNode referenced(JsonNode schema) {
        String ref = schema.path("$ref").asText();
        return schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private Set<String> list(String name) {
        Matcher list = LIST.matcher(fields);
        while (list.find()) {
            if (list.group(1).equals(name)) {
                Set<String> values = new LinkedHashSet<>();
                for (String value : list.group(2).split(",")) {
                    values.add(value.trim().replace("'", ""));
                }
                return values;
            }
        }
        throw new AssertionError(name + " is not a list in " + FIELDS);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
