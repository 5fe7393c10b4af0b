package dev.trainingplanner.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import dev.trainingplanner.deploy.DeployFiles;
import dev.trainingplanner.deploy.config.AgentCommandLine;
import dev.trainingplanner.deploy.config.PlannerConfiguration;
import dev.trainingplanner.deploy.image.Dockerfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HelmChartTest {

    /** Variables the JVM reads itself, not the application. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private static final String FULLNAME = ChartRenderer.RELEASE + "-training-planner";
    private static final String AGENT_NAME = FULLNAME + "-agent";

    private static RenderedManifests defaults;
    private static RenderedManifests production;
    private static PlannerConfiguration planner;
    private static AgentCommandLine agent;

    @BeforeAll
    static void render() {
        defaults = RenderedManifests.of(ChartRenderer.render(Optional.empty()));
        production = RenderedManifests.of(ChartRenderer.render(Optional.of(DeployFiles.productionValues())));
        planner = PlannerConfiguration.load(DeployFiles.plannerApplicationProperties());
        agent = AgentCommandLine.load(DeployFiles.repositoryRoot());
    }

    @Test
    void chartPassesStrictLint() {
        LintResult lint = ChartRenderer.lint();

        assertThat(lint.isFailed())
                .as("helm lint --strict: %s", lint.getMessages())
                .isFalse();
        assertThat(lint.getMessages())
                .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void defaultValuesRenderThePlannerWithoutTheAgent() {
        assertThat(defaults.kinds())
                .containsExactly("Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount");
        assertThat(defaults.single("Deployment").at("/spec/replicas").asInt()).isEqualTo(2);
    }

    @Test
    void productionValuesRenderIngressAndAgent() {
        assertThat(production.kinds())
                .containsExactly(
                        "DaemonSet",
                        "Deployment",
                        "Ingress",
                        "PodDisruptionBudget",
                        "Secret",
                        "Service",
                        "Service",
                        "ServiceAccount");
        JsonNode ingress = production.single("Ingress");
        assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("planner-example-com-tls");
        assertThat(ingress.at("/spec/rules/0/http/paths/0/backend/service/name").asText())
                .isEqualTo(FULLNAME);
        assertThat(production.single("Deployment").at("/spec/replicas").asInt()).isEqualTo(3);
    }

    @Test
    void plannerProbesUseTheActuatorProbeGroups() {
        assertThat(planner.property("management.endpoint.health.probes.enabled"))
                .contains("true");
        assertThat(planner.property("management.endpoints.web.exposure.include").orElse(""))
                .contains("health");

        JsonNode container = plannerContainer(defaults);
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/actuator/health/liveness");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/actuator/health/readiness");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/actuator/health/liveness");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    }

    @Test
    void plannerListensWhereServerPortPoints() {
        String portVariable = planner.placeholderVariableOf("server.port");
        JsonNode container = plannerContainer(defaults);
        Map<String, JsonNode> env = environment(container);

        assertThat(env).containsKey(portVariable);
        int port = Integer.parseInt(env.get(portVariable).path("value").asText());
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
        assertThat(defaults.named("Service", FULLNAME)
                        .at("/spec/ports/0/targetPort")
                        .asText())
                .isEqualTo("http");
    }

    @Test
    void plannerEnvironmentIsWhatTheServiceReads() {
        for (RenderedManifests rendered : List.of(defaults, production)) {
            Map<String, JsonNode> env = environment(plannerContainer(rendered));

            assertThat(env.keySet())
                    .contains(
                            "SPRING_DATASOURCE_URL",
                            "SPRING_DATASOURCE_USERNAME",
                            "SPRING_DATASOURCE_PASSWORD",
                            planner.placeholderVariableOf("planner.security.admin-token"));
            assertThat(env.keySet()).allSatisfy(name -> assertThat(planner.reads(name) || JVM_VARIABLES.contains(name))
                    .as("planner-api reads %s (a placeholder in application.properties or a known property)", name)
                    .isTrue());
        }
    }

    @Test
    void replanningCronReachesTheSchedulerProperty() {
        Map<String, JsonNode> env = environment(plannerContainer(production));

        assertThat(planner.property("planner.replanning.cron")).isPresent();
        assertThat(env.get(PlannerConfiguration.environmentVariableOf("planner.replanning.cron"))
                        .path("value")
                        .asText())
                .isEqualTo("0 30 1 * * *");
    }

    @Test
    void secretsReferencedByPodsExistInTheRenderedSecret() {
        for (RenderedManifests rendered : List.of(defaults, production)) {
            JsonNode secret = rendered.single("Secret");
            List<JsonNode> containers = new ArrayList<>();
            rendered.all("Deployment")
                    .forEach(d -> d.at("/spec/template/spec/containers").forEach(containers::add));
            rendered.all("DaemonSet")
                    .forEach(d -> d.at("/spec/template/spec/containers").forEach(containers::add));
            for (JsonNode container : containers) {
                for (JsonNode variable : container.path("env")) {
                    JsonNode reference = variable.at("/valueFrom/secretKeyRef");
                    if (reference.isMissingNode()) {
                        continue;
                    }
                    assertThat(reference.path("name").asText())
                            .isEqualTo(secret.at("/metadata/name").asText());
                    assertThat(secret.path("stringData")
                                    .has(reference.path("key").asText()))
                            .as("secret key %s of %s", reference.path("key").asText(), variable.path("name"))
                            .isTrue();
                }
            }
        }
        assertThat(production.single("Secret").at("/stringData/database-url").asText())
                .startsWith("jdbc:postgresql://planner-db.prod.example.internal:5432/planner");
    }

    @Test
    void plannerRunsAsNonRootWithResourcesAndADisruptionBudget() {
        JsonNode deployment = defaults.single("Deployment");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = plannerContainer(defaults);

        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true))
                .isFalse();
        assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();
        assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
        assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
        assertThat(pod.path("serviceAccountName").asText())
                .isEqualTo(
                        defaults.single("ServiceAccount").at("/metadata/name").asText());

        JsonNode budget = defaults.single("PodDisruptionBudget");
        assertThat(budget.at("/spec/minAvailable").asInt()).isEqualTo(1);
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        assertThat(selects(budget.at("/spec/selector/matchLabels"), podLabels)).isTrue();
        assertThat(selects(defaults.single("Service").at("/spec/selector"), podLabels))
                .isTrue();
        assertThat(selects(deployment.at("/spec/selector/matchLabels"), podLabels))
                .isTrue();
    }

    @Test
    void podsRunAsTheUserTheirImageCreates() {
        Map<String, Path> imageOf =
                Map.of("Deployment", DeployFiles.plannerDockerfile(), "DaemonSet", DeployFiles.agentDockerfile());
        imageOf.forEach((kind, dockerfile) -> {
            List<String> users = Dockerfile.read(dockerfile).all("USER");
            String[] image = users.get(users.size() - 1).split(":");
            JsonNode pod = production.single(kind).at("/spec/template/spec");

            assertThat(pod.at("/securityContext/runAsUser").asText()).isEqualTo(image[0]);
            assertThat(pod.at("/securityContext/runAsGroup").asText()).isEqualTo(image[1]);
            assertThat(pod.at("/containers/0/securityContext/runAsUser").asText())
                    .isEqualTo(image[0]);
        });
    }

    @Test
    void agentRunsOnGpuNodesOnTheHostNetwork() {
        JsonNode pod = production.single("DaemonSet").at("/spec/template/spec");

        assertThat(pod.at("/nodeSelector").path("nvidia.com/gpu.present").asText())
                .isEqualTo("true");
        assertThat(pod.path("tolerations")).anySatisfy(toleration -> {
            assertThat(toleration.path("key").asText()).isEqualTo("nvidia.com/gpu");
            assertThat(toleration.path("operator").asText()).isEqualTo("Exists");
            assertThat(toleration.path("effect").asText()).isEqualTo("NoSchedule");
        });
        assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
        assertThat(pod.path("dnsPolicy").asText())
                .as("a host-network pod needs ClusterFirstWithHostNet to resolve Service names")
                .isEqualTo("ClusterFirstWithHostNet");
        assertThat(pod.path("runtimeClassName").asText()).isEqualTo("nvidia");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/containers/0/resources/requests").has("nvidia.com/gpu"))
                .as("the agent observes GPUs and must not reserve them")
                .isFalse();
    }

    @Test
    void agentsFindEachOtherThroughTheHeadlessService() {
        JsonNode daemonSet = production.single("DaemonSet");
        JsonNode container = daemonSet.at("/spec/template/spec/containers/0");
        Map<String, String> flags = agent.parseRun(arguments(container));
        JsonNode headless = production.named("Service", AGENT_NAME);

        assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
        assertThat(selects(headless.at("/spec/selector"), daemonSet.at("/spec/template/metadata/labels")))
                .isTrue();
        int peerPort = headless.at("/spec/ports/0/port").asInt();
        assertThat(flags.get("--peers"))
                .isEqualTo("dns:" + AGENT_NAME + "." + ChartRenderer.NAMESPACE + ".svc:" + peerPort);
        assertThat(flags.get("--listen")).isEqualTo("0.0.0.0:" + peerPort);
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(peerPort);
        assertThat(container.at("/ports/0/hostPort").asInt()).isEqualTo(peerPort);
    }

    @Test
    void agentTalksToThePlannerServiceWithItsToken() {
        JsonNode container = production.single("DaemonSet").at("/spec/template/spec/containers/0");
        Map<String, String> flags = agent.parseRun(arguments(container));
        JsonNode plannerService = production.named("Service", FULLNAME);
        Map<String, JsonNode> env = environment(container);

        assertThat(flags.get("--planner"))
                .isEqualTo("http://" + FULLNAME + "." + ChartRenderer.NAMESPACE + ".svc:"
                        + plannerService.at("/spec/ports/0/port").asInt());
        assertThat(flags.get("--cluster")).isEqualTo("prod-h100-a");
        assertThat(flags).containsEntry("--interval-s", "7200").containsEntry("--compute-rounds", "10");
        assertThat(flags).as("the token stays out of the process list").doesNotContainKey("--token");
        assertThat(env.get(agent.tokenVariable())
                        .at("/valueFrom/secretKeyRef/key")
                        .asText())
                .isEqualTo("agent-token");
        assertThat(flags.get("--node")).isEqualTo("$(NODE_NAME)");
        assertThat(env.get("NODE_NAME").at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("spec.nodeName");
        assertThat(env.get("NVIDIA_DRIVER_CAPABILITIES").path("value").asText()).contains("utility");
        assertThat(production.single("Secret").at("/stringData/agent-token").asText())
                .isEqualTo("change-me-agent-token");
    }

    @Test
    void existingSecretReplacesTheChartsSecret() {
        RenderedManifests rendered = RenderedManifests.of(ChartRenderer.render(
                Map.of("database.existingSecret", "planner-credentials", "agent.enabled", "true")));

        assertThat(rendered.all("Secret")).isEmpty();
        for (String kind : List.of("Deployment", "DaemonSet")) {
            JsonNode container = rendered.single(kind).at("/spec/template/spec/containers/0");
            assertThat(container.path("env"))
                    .filteredOn(variable -> variable.has("valueFrom"))
                    .filteredOn(
                            variable -> variable.at("/valueFrom/secretKeyRef").isObject())
                    .isNotEmpty()
                    .allSatisfy(variable -> assertThat(
                                    variable.at("/valueFrom/secretKeyRef/name").asText())
                            .isEqualTo("planner-credentials"));
        }
    }

    @Test
    void disruptionBudgetMustLeaveADrainableReplica() {
        assertThatThrownBy(() -> ChartRenderer.render(Map.of("planner.replicaCount", "1")))
                .hasMessageContaining(
                        "planner.podDisruptionBudget.minAvailable (1) must be below planner.replicaCount (1)");
        assertThat(RenderedManifests.of(ChartRenderer.render(
                                Map.of("planner.replicaCount", "1", "planner.podDisruptionBudget.enabled", "false")))
                        .all("PodDisruptionBudget"))
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "values-wrong-replica-count.yaml, replicaCount",
        "values-wrong-database-url.yaml, url",
        "values-wrong-unknown-key.yaml, replicas",
        "values-wrong-agent-without-token.yaml, token",
        "values-wrong-cron.yaml, replanningCron",
        "values-wrong-ingress-tls.yaml, secretName",
    })
    void schemaRejectsWrongValues(String valuesFile, String offendingKey) throws Exception {
        Path values = Path.of(HelmChartTest.class.getResource("/" + valuesFile).toURI());

        assertThatThrownBy(() -> ChartRenderer.render(Optional.of(values)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(offendingKey);
    }

    private static JsonNode plannerContainer(RenderedManifests rendered) {
        return rendered.single("Deployment").at("/spec/template/spec/containers/0");
    }

    private static Map<String, JsonNode> environment(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container.path("env").forEach(variable -> env.put(variable.path("name").asText(), variable));
        return env;
    }

    private static List<String> arguments(JsonNode container) {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(arg -> args.add(arg.asText()));
        return args;
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        var fields = selector.fields();
        while (fields.hasNext()) {
            var entry = fields.next();
            if (!labels.path(entry.getKey()).asText().equals(entry.getValue().asText())) {
                return false;
            }
        }
        return true;
    }
}
