package dev.trainingplanner.deploy.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The profiler agent's command line as its source declares it: the options registered in
 * {@code AgentOptions.OPTIONS}, the modes, and the environment variable it reads the token from. Read from the
 * source so that a renamed option breaks the deployment tests instead of the agents in production.
 */
public record AgentCommandLine(Set<String> options, String tokenVariable) {

    public static final Path SOURCE =
            Path.of("profiler-agent/src/main/java/dev/trainingplanner/agent/cli/AgentOptions.java");

    private static final Pattern OPTION = Pattern.compile("OPTIONS\\.put\\(\\s*\"(--[a-z0-9-]+)[ \"]");
    private static final Pattern TOKEN_VARIABLE =
            Pattern.compile("getOrDefault\\(\"--token\",\\s*environment\\.get\\(\"([A-Z_]+)\"\\)\\)");

    public static AgentCommandLine load(Path repositoryRoot) {
        Path source = repositoryRoot.resolve(SOURCE);
        String text;
        try {
            text = Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the agent's options in " + source, e);
        }
        Set<String> options = new LinkedHashSet<>();
        Matcher option = OPTION.matcher(text);
        while (option.find()) {
            options.add(option.group(1));
        }
        if (options.isEmpty()) {
            throw new AssertionError("No OPTIONS.put(\"--...\") found in " + source);
        }
        Matcher token = TOKEN_VARIABLE.matcher(text);
        if (!token.find()) {
            throw new AssertionError(source + " no longer reads --token from an environment variable");
        }
        return new AgentCommandLine(Set.copyOf(options), token.group(1));
    }

    /**
     * Checks {@code run --option value ...} the way the agent parses it: the mode, then known options each
     * followed by a value; returns the options with their values.
     */
    public Map<String, String> parseRun(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("run")) {
            throw new AssertionError("agent arguments must start with the mode 'run': " + args);
        }
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 1; i < args.size(); i += 2) {
            String option = args.get(i);
            if (!options.contains(option) || option.equals("--help")) {
                throw new AssertionError("the agent has no option " + option + " (it knows " + options + ")");
            }
            if (i + 1 >= args.size()) {
                throw new AssertionError(option + " has no value in " + args);
            }
            if (values.put(option, args.get(i + 1)) != null) {
                throw new AssertionError(option + " is given twice in " + args);
            }
        }
        return values;
    }
}
