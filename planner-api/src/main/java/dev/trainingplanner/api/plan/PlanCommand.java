package dev.trainingplanner.api.plan;

import dev.trainingplanner.api.cli.CliCommand;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.model.ModelSpecJson;
import dev.trainingplanner.engine.output.PlanDocument;
import dev.trainingplanner.engine.output.PlanDocuments;
import dev.trainingplanner.engine.plan.CostPerTokenResult;
import dev.trainingplanner.engine.plan.GpuCountSearch;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.PlanResult;
import dev.trainingplanner.engine.plan.Planner;
import dev.trainingplanner.engine.profile.ClusterConverter;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfileReader;
import dev.trainingplanner.profile.InvalidProfileException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code planner plan}: finds the fastest layout and rank placement for a model on a measured cluster, offline (no web
 * server, no database), writes the plan JSON and prints a summary.
 */
public final class PlanCommand implements CliCommand {

    static final int EXIT_PLAN = 0;
    static final int EXIT_INFEASIBLE = 1;
    static final int EXIT_BAD_INPUT = 2;

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public String summary() {
        return "find the fastest (or cheapest per token) layout and rank placement on a measured cluster (offline)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(PlanArguments.USAGE);
            return EXIT_PLAN;
        }
        QuietSolverLogs.apply();
        PlanArguments arguments;
        PlanRequest request;
        try {
            arguments = PlanArguments.parse(args);
            ClusterProfile profile = new ClusterProfileReader().read(arguments.cluster());
            ProfiledCluster cluster =
                    new ClusterConverter().convert(profile, arguments.excludedNodes(), arguments.excludedGpus());
            ModelSpec model = (model(arguments.model())).withSequenceLength(arguments.sequenceLength());
            request = new PlanRequest(
                    cluster,
                    model,
                    arguments.globalBatch(),
                    arguments.gpus() != null
                            ? arguments.gpus()
                            : cluster.cluster().gpuCount(),
                    arguments.framework(),
                    arguments.options());
        } catch (IllegalArgumentException | InvalidProfileException | InvalidInputException e) {
            err.println("plan: " + e.getMessage());
            err.println(PlanArguments.USAGE);
            return EXIT_BAD_INPUT;
        }
        PlanDocument document;
        String summary;
        boolean feasible;
        try {
            if (arguments.costPerToken() == null) {
                PlanResult result = new Planner().plan(request);
                document = PlanDocuments.from(result);
                summary = PlanDocuments.summary(result);
                feasible = result.feasible();
            } else {
                CostPerTokenResult result = new GpuCountSearch(new Planner()).plan(request, arguments.costPerToken());
                document = PlanDocuments.from(result);
                summary = PlanDocuments.summary(result);
                feasible = result.feasible();
            }
        } catch (IllegalArgumentException | InvalidInputException e) {
            err.println("plan: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        try {
            Path parent = arguments.out().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(arguments.out(), PlanDocuments.toJson(document));
        } catch (IOException e) {
            err.println("plan: cannot write " + arguments.out() + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        out.print(summary);
        out.println("Plan written to " + arguments.out());
        return feasible ? EXIT_PLAN : EXIT_INFEASIBLE;
    }

    private static ModelSpec model(String presetOrFile) {
        Path file = Path.of(presetOrFile);
        if (Files.isRegularFile(file)) {
            return ModelSpecJson.read(file);
        }
        if (presetOrFile.endsWith(".json")) {
            throw new IllegalArgumentException("--model: file " + presetOrFile + " does not exist");
        }
        return ModelPresets.byName(presetOrFile);
    }
}
