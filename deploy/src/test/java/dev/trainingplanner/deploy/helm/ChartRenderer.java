package dev.trainingplanner.deploy.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.trainingplanner.deploy.DeployFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Lints and renders the chart in-process with helm-java (the Helm 3 library through JNA; no helm binary). */
public final class ChartRenderer {

    public static final String RELEASE = "planner";
    public static final String NAMESPACE = "gpu-planning";
    /** A current Kubernetes release; helm's offline default (1.20) is older than the chart's kubeVersion. */
    public static final String KUBE_VERSION = "1.31.0";

    private ChartRenderer() {}

    public static LintResult lint() {
        return new Helm(DeployFiles.chartDir()).lint().strict().call();
    }

    /** {@code helm template} for the release, with the chart's defaults or a values file on top of them. */
    public static String render(Optional<Path> valuesFile) {
        TemplateCommand template = new Helm(DeployFiles.chartDir())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        valuesFile.ifPresent(template::withValuesFile);
        return template.call();
    }

    /** {@code helm template} with the chart's defaults and {@code --set key=value} pairs. */
    public static String render(Map<String, String> sets) {
        TemplateCommand template = new Helm(DeployFiles.chartDir())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        sets.forEach(template::set);
        return template.call();
    }

    /** Renders and keeps the output under target/rendered/ for the schema validation and for reading. */
    public static Path renderTo(String name, Optional<Path> valuesFile) {
        String manifests = render(valuesFile);
        Path out = DeployFiles.buildDir("rendered").resolve(name + ".yaml");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, manifests);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + out, e);
        }
        return out;
    }
}
