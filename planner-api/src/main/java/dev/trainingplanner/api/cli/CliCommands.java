package dev.trainingplanner.api.cli;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The offline subcommands, found with {@link ServiceLoader} so that each lives in its own feature package. */
public final class CliCommands {

    private CliCommands() {}

    public static List<CliCommand> all() {
        return ServiceLoader.load(CliCommand.class).stream()
                .map(ServiceLoader.Provider::get)
                .toList();
    }

    public static Optional<CliCommand> find(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public static String usage() {
        String commands = all().stream()
                .map(c -> String.format("  %-10s %s", c.name(), c.summary()))
                .collect(Collectors.joining(System.lineSeparator()));
        return String.join(
                System.lineSeparator(),
                "Usage: java -jar planner.jar [serve | COMMAND ...]",
                "  serve      start the web service (default)",
                commands);
    }
}
