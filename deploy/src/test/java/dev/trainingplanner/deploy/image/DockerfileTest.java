package dev.trainingplanner.deploy.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.deploy.DeployFiles;
import dev.trainingplanner.deploy.config.PlannerConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DockerfileTest {

    /** Variables the JVM reads itself, not the application. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private static Dockerfile planner;
    private static Dockerfile agent;
    private static PlannerConfiguration plannerConfiguration;

    @BeforeAll
    static void read() {
        planner = Dockerfile.read(DeployFiles.plannerDockerfile());
        agent = Dockerfile.read(DeployFiles.agentDockerfile());
        plannerConfiguration = PlannerConfiguration.load(DeployFiles.plannerApplicationProperties());
    }

    @Test
    void baseImagesArePinnedJreReleasesOfTheBuildsJavaVersion() throws IOException {
        String javaVersion = pomElement(DeployFiles.repositoryRoot().resolve("pom.xml"), "java.version");

        for (Dockerfile dockerfile : List.of(planner, agent)) {
            ImageReference base = ImageReference.parse(dockerfile.baseImage());
            assertThat(base.repository()).isEqualTo("eclipse-temurin");
            assertThat(base.pinned())
                    .as("%s pins its base image", dockerfile.file())
                    .isTrue();
            assertThat(base.tag().orElse(""))
                    .as("a full JRE release (major.0.update_build), not a floating tag")
                    .matches(Pattern.quote(javaVersion) + "\\.0\\.\\d+_\\d+-jre-[a-z]+");
        }
    }

    @Test
    void imagesRunAsANonRootUserTheyCreate() {
        for (Dockerfile dockerfile : List.of(planner, agent)) {
            List<String> users = dockerfile.all("USER");
            assertThat(users).as("%s sets USER", dockerfile.file()).isNotEmpty();
            String user = users.get(users.size() - 1);
            assertThat(user).as("numeric uid:gid, so runAsNonRoot can check it").matches("\\d+:\\d+");
            String uid = user.split(":")[0];
            assertThat(Integer.parseInt(uid)).isPositive();
            assertThat(dockerfile.single("ARG")).isEqualTo("APP_UID=" + uid);
            assertThat(dockerfile.all("RUN"))
                    .anySatisfy(run -> assertThat(run).contains("useradd").contains("--uid ${APP_UID}"));
        }
    }

    @Test
    void jarsComeFromTheMavenBuild() throws IOException {
        assertCopiesJarOf(planner, "planner-api", "/opt/planner/planner.jar");
        assertCopiesJarOf(agent, "profiler-agent", "/opt/agent/profiler-agent.jar");
        assertThat(planner.all("RUN")).as("nothing is built inside the image").noneMatch(run -> run.contains("mvn"));
    }

    @Test
    void buildContextHoldsOnlyTheJar() throws IOException {
        for (Dockerfile dockerfile : List.of(planner, agent)) {
            Path ignore = dockerfile.file().resolveSibling(dockerfile.file().getFileName() + ".dockerignore");
            List<String> rules = Files.readAllLines(ignore).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
            String jar = dockerfile.single("COPY").split("\\s+")[1];

            assertThat(rules).containsExactly("*", "!" + jar);
        }
    }

    @Test
    void plannerListensAndIsCheckedWhereServerPortPoints() {
        String portVariable = plannerConfiguration.placeholderVariableOf("server.port");
        String port = plannerConfiguration.placeholderDefault(portVariable);

        assertThat(planner.environment()).containsEntry(portVariable, port);
        assertThat(planner.single("EXPOSE")).isEqualTo(port);
        String healthCheck = planner.single("HEALTHCHECK");
        assertThat(healthCheck)
                .startsWith("--interval=")
                .contains(" CMD curl --fail ")
                .contains("http://127.0.0.1:${" + portVariable + "}/actuator/health/liveness");
        assertThat(plannerConfiguration.property("management.endpoint.health.probes.enabled"))
                .contains("true");
    }

    @Test
    void plannerImageSetsOnlyVariablesTheServiceReads() {
        assertThat(planner.environment().keySet()).isNotEmpty().allSatisfy(name -> assertThat(
                        plannerConfiguration.reads(name) || JVM_VARIABLES.contains(name))
                .as("planner-api reads %s", name)
                .isTrue());
        String dataDir = planner.environment().get("PLANNER_DATA_DIR");
        assertThat(planner.single("VOLUME")).contains(dataDir);
    }

    @Test
    void agentImageGetsNvidiaSmiFromTheContainerToolkit() throws IOException {
        Map<String, String> env = agent.environment();

        assertThat(env).containsEntry("NVIDIA_VISIBLE_DEVICES", "all");
        assertThat(env.get("NVIDIA_DRIVER_CAPABILITIES")).contains("utility");
        assertThat(Files.readString(agent.file()))
                .contains("NVIDIA Container Toolkit")
                .contains("nvidia-smi");
    }

    @Test
    void agentHealthCheckConnectsToItsListenPort() {
        String port = agent.environment().get("AGENT_LISTEN_PORT");

        assertThat(port).matches("\\d+");
        assertThat(agent.single("EXPOSE")).isEqualTo(port);
        assertThat(agent.single("HEALTHCHECK"))
                .contains(" CMD bash -c ")
                .contains("/dev/tcp/127.0.0.1/${AGENT_LISTEN_PORT}");
    }

    private static void assertCopiesJarOf(Dockerfile dockerfile, String module, String destination) throws IOException {
        String finalName =
                pomElement(DeployFiles.repositoryRoot().resolve(module).resolve("pom.xml"), "finalName");
        String copy = dockerfile.single("COPY");

        assertThat(copy).endsWith(module + "/target/" + finalName + ".jar " + destination);
        assertThat(dockerfile.single("ENTRYPOINT")).isEqualTo("[\"java\", \"-jar\", \"" + destination + "\"]");
    }

    /** The text of the first {@code <element>} of a POM: a property or the build's finalName. */
    private static String pomElement(Path pom, String element) throws IOException {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(element) + ">([^<]+)</" + Pattern.quote(element) + ">")
                .matcher(Files.readString(pom));
        assertThat(matcher.find()).as("<%s> in %s", element, pom).isTrue();
        return matcher.group(1).strip();
    }
}
