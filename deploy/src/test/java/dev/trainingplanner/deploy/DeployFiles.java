package dev.trainingplanner.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the deployment files and of the application files they must agree with. */
public final class DeployFiles {

    private DeployFiles() {}

    /** The {@code deploy} module folder (Maven runs the tests there; Surefire also passes it as basedir). */
    public static Path moduleDir() {
        Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("compose.yaml"))) {
            throw new IllegalStateException("Run the tests from the deploy module: no compose.yaml in " + dir);
        }
        return dir;
    }

    public static Path repositoryRoot() {
        return moduleDir().getParent();
    }

    public static Path chartDir() {
        return moduleDir().resolve("helm/training-planner");
    }

    public static Path productionValues() {
        return moduleDir().resolve("helm/values-production.yaml");
    }

    public static Path composeFile() {
        return moduleDir().resolve("compose.yaml");
    }

    public static Path plannerDockerfile() {
        return moduleDir().resolve("docker/planner.Dockerfile");
    }

    public static Path agentDockerfile() {
        return moduleDir().resolve("docker/agent.Dockerfile");
    }

    public static Path plannerApplicationProperties() {
        return repositoryRoot().resolve("planner-api/src/main/resources/application.properties");
    }

    /** Scratch space under target/, wiped by {@code mvn clean}. */
    public static Path buildDir(String name) {
        return moduleDir().resolve("target").resolve(name);
    }
}
