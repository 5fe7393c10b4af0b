package dev.trainingplanner.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.deploy.DeployFiles;
import dev.trainingplanner.deploy.YamlDocuments;
import dev.trainingplanner.deploy.helm.ChartRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KubernetesSchemaValidationTest {

    private static KubernetesSchemaValidator validator;

    @BeforeAll
    static void install() {
        validator = KubernetesSchemaValidator.installed();
    }

    @Test
    void defaultRenderMatchesTheKubernetesSchemas() throws Exception {
        assertEveryObjectValid(ChartRenderer.renderTo("default", Optional.empty()));
    }

    @Test
    void productionRenderMatchesTheKubernetesSchemas() throws Exception {
        assertEveryObjectValid(ChartRenderer.renderTo("production", Optional.of(DeployFiles.productionValues())));
    }

    @Test
    void validatorRejectsABrokenManifest() throws Exception {
        Path broken = Path.of(getClass().getResource("/broken-deployment.yaml").toURI());

        KubernetesSchemaValidator.Result result = validator.validate(broken);

        assertThat(result.valid()).as("%s", result.lines()).isFalse();
        assertThat(result.lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("FAIL Deployment/broken:")
                .contains("data/spec must have required property selector")
                .contains("containers/0/ports/0/containerPort must be integer"));
    }

    @Test
    void validatorRejectsAKindWithoutSchema() throws Exception {
        Path unknown = DeployFiles.buildDir("rendered").resolve("unknown-kind.yaml");
        Files.createDirectories(unknown.getParent());
        Files.writeString(unknown, "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");

        KubernetesSchemaValidator.Result result = validator.validate(unknown);

        assertThat(result.valid()).isFalse();
        assertThat(result.lines()).containsExactly("FAIL Widget/w: no schema for example.com/v1 Widget");
    }

    @Test
    void renderedObjectsHaveNoFieldsTheApiDoesNotDefine() {
        UnknownFieldCheck check = UnknownFieldCheck.load();
        for (Path manifests : List.of(
                ChartRenderer.renderTo("default", Optional.empty()),
                ChartRenderer.renderTo("production", Optional.of(DeployFiles.productionValues())))) {
            List<JsonNode> objects = YamlDocuments.readAll(read(manifests));

            assertThat(objects).isNotEmpty();
            assertThat(objects).allSatisfy(object -> assertThat(check.unknownFields(object))
                    .as("%s in %s", object.path("kind"), manifests)
                    .isEmpty());
        }
    }

    @Test
    void unknownFieldCheckFindsMisspeltKeys() throws Exception {
        Path misspelt =
                Path.of(getClass().getResource("/misspelt-deployment.yaml").toURI());
        JsonNode deployment = YamlDocuments.readAll(read(misspelt)).get(0);

        assertThat(UnknownFieldCheck.load().unknownFields(deployment))
                .containsExactlyInAnyOrder(
                        "Deployment/misspelt: spec: unknown field(s) [replica]",
                        "Deployment/misspelt: spec.template.spec.containers[0]: unknown field(s) [imagePullPolicey]");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static void assertEveryObjectValid(Path manifests) throws Exception {
        int objects = YamlDocuments.readAll(Files.readString(manifests)).size();

        KubernetesSchemaValidator.Result result = validator.validate(manifests);

        assertThat(result.valid())
                .as("schema validation of %s: %s", manifests, result.lines())
                .isTrue();
        assertThat(objects).isPositive();
        assertThat(result.objectsOk()).as("every object validated").isEqualTo(objects);
    }
}
