package dev.trainingplanner.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingplanner.deploy.DeployFiles;
import dev.trainingplanner.deploy.YamlDocuments;
import dev.trainingplanner.deploy.config.AgentCommandLine;
import dev.trainingplanner.deploy.config.PlannerConfiguration;
import dev.trainingplanner.deploy.image.Dockerfile;
import dev.trainingplanner.deploy.image.ImageReference;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ComposeFileTest {

    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    private static final Map<String, String> OPERATOR_ENVIRONMENT = Map.of(
            "POSTGRES_PASSWORD", "pg-secret", "PLANNER_ADMIN_TOKEN", "admin-secret", "AGENT_TOKEN", "agent-secret");

    private static JsonNode compose;
    private static PlannerConfiguration planner;
    private static AgentCommandLine agentCommandLine;

    @BeforeAll
    static void read() throws Exception {
        String text = Files.readString(DeployFiles.composeFile());
        compose = YamlDocuments.readAll(ComposeInterpolation.interpolate(text, OPERATOR_ENVIRONMENT))
                .get(0);
        planner = PlannerConfiguration.load(DeployFiles.plannerApplicationProperties());
        agentCommandLine = AgentCommandLine.load(DeployFiles.repositoryRoot());
    }

    @Test
    void secretsHaveNoDefaults() throws Exception {
        String text = Files.readString(DeployFiles.composeFile());
        for (String secret : List.of("POSTGRES_PASSWORD", "PLANNER_ADMIN_TOKEN")) {
            Map<String, String> without = new HashMap<>(OPERATOR_ENVIRONMENT);
            without.remove(secret);

            assertThatThrownBy(() -> ComposeInterpolation.interpolate(text, without))
                    .hasMessageContaining("required variable " + secret);
        }
        Map<String, String> withoutAgentToken = new HashMap<>(OPERATOR_ENVIRONMENT);
        withoutAgentToken.remove("AGENT_TOKEN");
        JsonNode agent = YamlDocuments.readAll(ComposeInterpolation.interpolate(text, withoutAgentToken))
                .get(0)
                .at("/services/agent/environment/" + agentCommandLine.tokenVariable());
        assertThat(agent.asText()).as("no default agent token").isEmpty();
    }

    @Test
    void everyImageIsPinned() {
        compose.path("services").fields().forEachRemaining(service -> {
            ImageReference image =
                    ImageReference.parse(service.getValue().path("image").asText());
            assertThat(image.pinned()).as("image of %s", service.getKey()).isTrue();
        });
        ImageReference postgres =
                ImageReference.parse(compose.at("/services/postgres/image").asText());
        assertThat(postgres.repository()).isEqualTo("postgres");
        assertThat(postgres.tag()).isPresent();
        assertThat(postgres.digest()).isPresent();
    }

    @Test
    void twoPlannerReplicasShareOneDatabase() {
        Map<String, JsonNode> planners = plannerServices();
        JsonNode postgres = compose.at("/services/postgres");

        assertThat(planners).hasSize(2);
        List<JsonNode> environments =
                planners.values().stream().map(p -> p.path("environment")).toList();
        assertThat(environments.get(0)).isEqualTo(environments.get(1));
        JsonNode env = environments.get(0);
        assertThat(env.path("SPRING_DATASOURCE_URL").asText())
                .isEqualTo("jdbc:postgresql://postgres:5432/"
                        + postgres.at("/environment/POSTGRES_DB").asText());
        assertThat(env.path("SPRING_DATASOURCE_USERNAME").asText())
                .isEqualTo(postgres.at("/environment/POSTGRES_USER").asText());
        assertThat(env.path("SPRING_DATASOURCE_PASSWORD").asText())
                .isEqualTo(postgres.at("/environment/POSTGRES_PASSWORD").asText())
                .isEqualTo("pg-secret");
        planners.values()
                .forEach(p -> assertThat(p.at("/depends_on/postgres/condition").asText())
                        .isEqualTo("service_healthy"));
    }

    @Test
    void plannerEnvironmentIsWhatTheServiceReads() {
        JsonNode env = plannerServices().values().iterator().next().path("environment");
        List<String> names = new ArrayList<>();
        env.fieldNames().forEachRemaining(names::add);

        assertThat(names).contains(planner.placeholderVariableOf("planner.security.admin-token"));
        assertThat(env.path(planner.placeholderVariableOf("planner.security.admin-token"))
                        .asText())
                .isEqualTo("admin-secret");
        assertThat(names).allSatisfy(name -> assertThat(planner.reads(name) || JVM_VARIABLES.contains(name))
                .as("planner-api reads %s", name)
                .isTrue());
    }

    @Test
    void plannerPortsFollowServerPort() {
        String portVariable = planner.placeholderVariableOf("server.port");
        List<String> hostPorts = new ArrayList<>();

        for (JsonNode service : plannerServices().values()) {
            String port = service.at("/environment/" + portVariable).asText();
            assertThat(port).isEqualTo(planner.placeholderDefault(portVariable));
            String[] mapping = service.at("/ports/0").asText().split(":");
            assertThat(mapping).hasSize(2);
            assertThat(mapping[1]).isEqualTo(port);
            hostPorts.add(mapping[0]);
        }
        assertThat(hostPorts).doesNotHaveDuplicates();
    }

    @Test
    void dataSurvivesDownAndUpInNamedVolumes() {
        assertThat(compose.at("/services/postgres/volumes/0").asText())
                .isEqualTo("postgres-data:/var/lib/postgresql/data");
        assertThat(compose.path("volumes").has("postgres-data")).isTrue();

        Dockerfile agentImage = Dockerfile.read(DeployFiles.agentDockerfile());
        String spool = agentCommandLine
                .parseRun(command(compose.at("/services/agent")))
                .get("--spool");
        assertThat(agentImage.single("VOLUME")).contains(spool);
        assertThat(compose.at("/services/agent/volumes/0").asText()).isEqualTo("agent-spool:" + spool);
        assertThat(compose.path("volumes").has("agent-spool")).isTrue();
    }

    @Test
    void healthChecksGateTheStartOrder() {
        compose.path("services").fields().forEachRemaining(service -> service.getValue()
                .path("depends_on")
                .fields()
                .forEachRemaining(dependency -> {
                    if (dependency.getValue().path("condition").asText().equals("service_healthy")) {
                        assertThat(hasHealthCheck(dependency.getKey()))
                                .as("%s waits for %s to be healthy", service.getKey(), dependency.getKey())
                                .isTrue();
                    }
                }));
        assertThat(compose.at("/services/postgres/healthcheck/test/1").asText()).startsWith("pg_isready");
    }

    @Test
    void agentUsesTheHostNetworkAndTheGpus() {
        JsonNode agent = compose.at("/services/agent");

        assertThat(agent.path("network_mode").asText()).isEqualTo("host");
        JsonNode device = agent.at("/deploy/resources/reservations/devices/0");
        assertThat(device.path("driver").asText()).isEqualTo("nvidia");
        assertThat(device.path("capabilities").toString()).contains("\"utility\"");
        assertThat(agent.at("/build/dockerfile").asText()).isEqualTo("deploy/docker/agent.Dockerfile");
    }

    @Test
    void agentCommandLineIsOneTheAgentAccepts() {
        JsonNode agent = compose.at("/services/agent");
        Map<String, String> flags = agentCommandLine.parseRun(command(agent));
        String listenPort =
                Dockerfile.read(DeployFiles.agentDockerfile()).environment().get("AGENT_LISTEN_PORT");
        String plannerHostPort =
                compose.at("/services/planner-1/ports/0").asText().split(":")[0];

        assertThat(flags.get("--listen")).isEqualTo("0.0.0.0:" + listenPort);
        assertThat(agent.at("/environment/AGENT_LISTEN_PORT").asText()).isEqualTo(listenPort);
        assertThat(flags.get("--planner")).isEqualTo("http://127.0.0.1:" + plannerHostPort);
        assertThat(flags).doesNotContainKey("--token");
        assertThat(agent.at("/environment/" + agentCommandLine.tokenVariable()).asText())
                .isEqualTo("agent-secret");

        String peersFile = flags.get("--peers");
        JsonNode peersConfig = agent.path("configs").get(0);
        assertThat(peersConfig.path("target").asText()).isEqualTo(peersFile);
        String peers = compose.at("/configs/" + peersConfig.path("source").asText() + "/content")
                .asText();
        assertThat(peers.strip()).isEqualTo(flags.get("--node") + " 127.0.0.1:" + listenPort);
    }

    private static Map<String, JsonNode> plannerServices() {
        Map<String, JsonNode> planners = new LinkedHashMap<>();
        compose.path("services").fields().forEachRemaining(service -> {
            if (service.getValue().at("/build/dockerfile").asText().equals("deploy/docker/planner.Dockerfile")) {
                planners.put(service.getKey(), service.getValue());
            }
        });
        return planners;
    }

    private static boolean hasHealthCheck(String serviceName) {
        JsonNode service = compose.at("/services/" + serviceName);
        if (service.has("healthcheck")) {
            return !service.at("/healthcheck/disable").asBoolean(false);
        }
        String dockerfile = service.at("/build/dockerfile").asText();
        return !dockerfile.isEmpty()
                && !Dockerfile.read(DeployFiles.repositoryRoot().resolve(dockerfile))
                        .all("HEALTHCHECK")
                        .isEmpty();
    }

    private static List<String> command(JsonNode service) {
        List<String> args = new ArrayList<>();
        service.path("command").forEach(arg -> args.add(arg.asText()));
        return args;
    }
}
