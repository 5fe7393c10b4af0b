package dev.trainingplanner.api.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainingplanner.api.job.PlanningGoal;
import dev.trainingplanner.api.job.PlanningOptions;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The planner-api README's table of plan options pairs every {@code plan} CLI option with its REST field: checked here
 * against the options {@link PlanArguments} accepts and the fields of the request records, so that an option added
 * to one side only fails the build.
 */
class PlanOptionTableTest {

    private static final String HEADING = "#### Plan options: CLI and REST";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void everyCliOptionAndEveryRestFieldIsPairedInTheTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf(HEADING);
        assertThat(start).as("planner-api README has '" + HEADING + "'").isNotNegative();
        Set<String> cli = new TreeSet<>();
        Set<String> rest = new TreeSet<>();
        boolean inTable = false;
        for (String row : readme.substring(start).split("\n")) {
            if (inTable && !row.startsWith("|")) {
                break;
            }
            inTable = row.startsWith("|");
            if (row.contains("REST field") || !row.startsWith("| `") && !row.startsWith("| —")) {
                continue;
            }
            String[] cells = row.split("\\|");
            cli.addAll(codes(cells[1]));
            rest.addAll(codes(cells[2]));
        }

        Set<String> flags = new TreeSet<>(PlanArguments.FLAGS);
        flags.addAll(PlanArguments.SWITCHES);
        assertThat(cli).isEqualTo(flags);

        Set<String> fields = new TreeSet<>(Set.of("cluster", "model", "jobId"));
        fields.addAll(components("goal.", PlanningGoal.class));
        fields.addAll(components("options.", PlanningOptions.class));
        assertThat(rest).isEqualTo(fields);
    }

    private static Set<String> codes(String cell) {
        Set<String> codes = new HashSet<>();
        Matcher matcher = CODE.matcher(cell);
        while (matcher.find()) {
            codes.add(matcher.group(1));
        }
        return codes;
    }

    private static Set<String> components(String prefix, Class<? extends Record> type) {
        Set<String> names = new HashSet<>();
        Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .forEach(name -> names.add(prefix + name));
        return names;
    }
}
