package dev.trainingplanner.deploy.compose;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable interpolation: {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}},
 * {@code ${VAR:?message}}, {@code ${VAR?message}} and {@code $$} for a literal dollar sign.
 */
final class ComposeInterpolation {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?}");

    private ComposeInterpolation() {}

    static String interpolate(String text, Map<String, String> environment) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(valueOf(matcher, environment)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String valueOf(Matcher matcher, Map<String, String> environment) {
        if (matcher.group().equals("$$")) {
            return "$";
        }
        String name = matcher.group(1);
        String value = environment.get(name);
        boolean emptyCounts = ":".equals(matcher.group(2));
        boolean missing = value == null || (emptyCounts && value.isEmpty());
        String operator = matcher.group(3);
        if (operator == null) {
            return value == null ? "" : value;
        }
        if (!missing) {
            return value;
        }
        if (operator.equals("-")) {
            return matcher.group(4);
        }
        throw new IllegalArgumentException("required variable " + name + " is missing a value: " + matcher.group(4));
    }
}
