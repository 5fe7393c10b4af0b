package dev.trainingplanner.deploy.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Dockerfile read as its instructions: comments dropped, backslash continuations joined, keywords upper
 * case. Enough of the Dockerfile syntax for the checks on these images (no parser directives, no heredocs).
 */
public record Dockerfile(Path file, List<Instruction> instructions) {

    public record Instruction(String keyword, String arguments) {}

    public static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String instruction = current.toString().strip();
            current.setLength(0);
            int space = instruction.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException(file + ": instruction without arguments: " + instruction);
            }
            instructions.add(new Instruction(
                    instruction.substring(0, space).toUpperCase(Locale.ROOT),
                    instruction.substring(space + 1).strip()));
        }
        return new Dockerfile(file, List.copyOf(instructions));
    }

    public List<String> all(String keyword) {
        return instructions.stream()
                .filter(instruction -> instruction.keyword().equals(keyword))
                .map(Instruction::arguments)
                .toList();
    }

    /** The arguments of the one instruction with this keyword; fails if there is none or more than one. */
    public String single(String keyword) {
        List<String> found = all(keyword);
        if (found.size() != 1) {
            throw new AssertionError(file + " has " + found.size() + " " + keyword + " instructions, expected 1");
        }
        return found.get(0);
    }

    /** The image the last stage runs on (the only stage here). */
    public String baseImage() {
        List<String> froms = all("FROM");
        if (froms.isEmpty()) {
            throw new AssertionError(file + " has no FROM");
        }
        return froms.get(froms.size() - 1).split("\\s+")[0];
    }

    /** Every variable set by ENV instructions ({@code KEY=value} form, values may be double-quoted). */
    public Map<String, String> environment() {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String arguments : all("ENV")) {
            for (String assignment : words(arguments)) {
                int equals = assignment.indexOf('=');
                if (equals <= 0) {
                    throw new AssertionError(file + ": ENV must use KEY=value, found " + assignment);
                }
                variables.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        return variables;
    }

    /** Splits on spaces outside double quotes and removes the quotes. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("Unbalanced double quote in: " + text);
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }
}
