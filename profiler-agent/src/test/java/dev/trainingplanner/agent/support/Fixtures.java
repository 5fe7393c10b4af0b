package dev.trainingplanner.agent.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads parser fixtures from {@code src/test/resources/fixtures} (see the README there for their origin). */
public final class Fixtures {

    private Fixtures() {}

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a fixture after its first line, which cites where the excerpt comes from. */
    public static List<String> citedLines(String name) {
        List<String> lines = text(name).lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IllegalArgumentException("fixture " + name + " does not start with its citation");
        }
        return lines.subList(1, lines.size());
    }
}
