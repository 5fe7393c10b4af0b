package dev.trainingplanner.api;

import dev.trainingplanner.api.cli.CliCommand;
import dev.trainingplanner.api.cli.CliCommands;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Entry point of {@code planner.jar}. Without a subcommand (or with {@code serve}) it starts the web service; the
 * offline subcommands ({@code estimate}, {@code plan}) run in plain Java and start neither the web server nor a
 * database, so they can be used in batch jobs and notebooks.
 */
public final class PlannerMain {

    private PlannerMain() {}

    public static void main(String[] args) {
        if (args.length == 0 || args[0].startsWith("-") || args[0].equals("serve")) {
            String[] serveArgs =
                    args.length > 0 && args[0].equals("serve") ? Arrays.copyOfRange(args, 1, args.length) : args;
            PlannerApplication.serve(serveArgs);
            return;
        }
        Optional<CliCommand> command = CliCommands.find(args[0]);
        if (command.isEmpty()) {
            System.err.println("Unknown command '" + args[0] + "'.");
            System.err.println(CliCommands.usage());
            System.exit(2);
            return;
        }
        List<String> rest = List.of(Arrays.copyOfRange(args, 1, args.length));
        int exitCode = command.get().run(rest, System.out, System.err);
        System.exit(exitCode);
    }
}
