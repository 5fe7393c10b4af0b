package dev.trainingplanner.deploy.kubernetes;

import dev.trainingplanner.deploy.DeployFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Validates manifests against the Kubernetes API schemas with the npm package kubernetes-models, run by the
 * machine's Node.js. The pinned package.json and package-lock.json of deploy/validation are installed once
 * into target/ with {@code npm ci}; npm's cache makes later installs work without the registry.
 */
public final class KubernetesSchemaValidator {

    /** What the validator printed (one line per object: OK or FAIL with the reason) and its exit code. */
    public record Result(int exitCode, List<String> lines) {

        public boolean valid() {
            return exitCode == 0;
        }

        public long objectsOk() {
            return lines.stream().filter(line -> line.startsWith("OK ")).count();
        }
    }

    private static final long INSTALL_TIMEOUT_SECONDS = 300;
    private static final long VALIDATE_TIMEOUT_SECONDS = 120;

    private final Path workDir;

    private KubernetesSchemaValidator(Path workDir) {
        this.workDir = workDir;
    }

    public static synchronized KubernetesSchemaValidator installed() {
        Path source = DeployFiles.moduleDir().resolve("validation");
        Path workDir = DeployFiles.buildDir("k8s-validation");
        try {
            Files.createDirectories(workDir);
            for (String file : List.of("package.json", "package-lock.json", "validate-manifests.mjs")) {
                Files.copy(source.resolve(file), workDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + workDir, e);
        }
        if (!Files.isDirectory(workDir.resolve("node_modules/kubernetes-models"))) {
            Result install = run(
                    workDir,
                    INSTALL_TIMEOUT_SECONDS,
                    List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"));
            if (!install.valid()) {
                throw new IllegalStateException("npm ci in " + workDir + " failed (exit " + install.exitCode()
                        + "); Node.js and npm are needed for the schema validation:\n"
                        + String.join("\n", install.lines()));
            }
        }
        return new KubernetesSchemaValidator(workDir);
    }

    public Result validate(Path manifests) {
        return run(workDir, VALIDATE_TIMEOUT_SECONDS, List.of("node", "validate-manifests.mjs", manifests.toString()));
    }

    private static Result run(Path dir, long timeoutSeconds, List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            List<String> lines = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try {
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                            .lines()
                            .forEach(lines::add);
                } catch (IOException e) {
                    lines.add("(output unreadable: " + e.getMessage() + ")");
                }
            });
            reader.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s");
            }
            reader.join();
            return new Result(process.exitValue(), List.copyOf(lines));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot run " + command.get(0) + " (is Node.js installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }
}
