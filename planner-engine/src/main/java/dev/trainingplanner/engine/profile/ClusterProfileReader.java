package dev.trainingplanner.engine.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the cluster-profile JSON strictly: unknown keys, wrong value types and structural errors are rejected with a
 * message that names the key and where it is (for example {@code nodes[2].gpus[0]}), then the profile is validated.
 */
public final class ClusterProfileReader {

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ClusterProfileValidator validator = new ClusterProfileValidator();

    /** Parses and validates; throws {@link InvalidProfileException} with specific messages. */
    public ClusterProfile read(String json) {
        ClusterProfile profile;
        try {
            profile = mapper.readValue(json, ClusterProfile.class);
        } catch (JsonProcessingException e) {
            throw new InvalidProfileException(describe(e));
        }
        return validated(profile);
    }

    public ClusterProfile read(InputStream json) {
        ClusterProfile profile;
        try {
            profile = mapper.readValue(json, ClusterProfile.class);
        } catch (JsonProcessingException e) {
            throw new InvalidProfileException(describe(e));
        } catch (IOException e) {
            throw new InvalidProfileException("cannot read the cluster profile: " + e.getMessage());
        }
        return validated(profile);
    }

    public ClusterProfile read(Path file) {
        try {
            return read(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidProfileException("cluster profile file " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidProfileException("cannot read cluster profile file " + file + ": " + e.getMessage());
        }
    }

    /** Serialises a profile with the same keys (null fields omitted). */
    public String write(ClusterProfile profile) {
        try {
            return mapper.copy()
                    .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(profile);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a cluster profile could not be serialised", e);
        }
    }

    private ClusterProfile validated(ClusterProfile profile) {
        if (profile == null) {
            throw new InvalidProfileException("the cluster profile is empty (expected a JSON object)");
        }
        List<String> problems = validator.problems(profile);
        if (!problems.isEmpty()) {
            throw new InvalidProfileException(problems);
        }
        return profile;
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String where =
                    location(unknown.getPath().subList(0, unknown.getPath().size() - 1));
            String allowed = unknown.getKnownPropertyIds() == null
                    ? ""
                    : unknown.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", ", " (allowed keys: ", ")"));
            return "unknown key '" + unknown.getPropertyName() + "' at " + where + allowed;
        }
        if (e instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            return "wrong value type at " + location(mismatch.getPath()) + ": expected "
                    + (mismatch.getTargetType() == null
                            ? "another type"
                            : mismatch.getTargetType().getSimpleName());
        }
        String location = e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
        return "malformed JSON" + location + ": " + e.getOriginalMessage();
    }

    private static String location(List<JsonMappingException.Reference> path) {
        if (path.isEmpty()) {
            return "the top level";
        }
        StringBuilder where = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                if (!where.isEmpty()) {
                    where.append('.');
                }
                where.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                where.append('[').append(reference.getIndex()).append(']');
            }
        }
        return where.toString();
    }
}
