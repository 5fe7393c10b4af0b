package dev.trainingplanner.api.cli;

import java.io.PrintStream;
import java.util.List;

/** A subcommand of {@code planner.jar} that runs without the web server or a database. */
public interface CliCommand {

    /** The word that selects this command on the command line, e.g. {@code estimate}. */
    String name();

    /** One line for the usage text. */
    String summary();

    /**
     * Runs the command.
     *
     * @return the process exit code: 0 on success, 2 for unusable arguments or input files
     */
    int run(List<String> args, PrintStream out, PrintStream err);
}
