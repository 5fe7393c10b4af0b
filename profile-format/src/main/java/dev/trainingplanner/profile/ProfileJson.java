package dev.trainingplanner.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one JSON mapping of the cluster-profile format. Reading is strict: unknown keys, wrong value types (see
 * {@link StrictScalars}), trailing tokens and structural errors are rejected with a message that names the key and
 * where it is (for example {@code nodes[2].gpus[0]}). Writing omits absent (null) keys and keeps the record order of
 * the keys, so what the agent writes, the API stores and the CLI reads is the same text.
 */
public final class ProfileJson {

    private static final ObjectMapper MAPPER = StrictScalars.apply(JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build());

    private ProfileJson() {}

    /**
     * Parses a whole or partial profile without judging its values (a partial profile's links may name nodes it does
     * not hold); {@link ClusterProfileReader} also validates.
     *
     * @throws InvalidProfileException naming the key and its place
     */
    public static ClusterProfile parse(String json) {
        ClusterProfile profile;
        try {
            profile = MAPPER.readValue(json, ClusterProfile.class);
        } catch (JsonProcessingException e) {
            throw new InvalidProfileException(describe(e));
        }
        if (profile == null) {
            throw new InvalidProfileException("the cluster profile is empty (expected a JSON object)");
        }
        return profile;
    }

    /** The profile as indented JSON: the file format of the agent's {@code once} and {@code merge} and of the CLI. */
    public static String write(ClusterProfile profile) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(profile);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a cluster profile could not be serialised", e);
        }
    }

    /**
     * A strict reader of the profile or of one of its parts (a node, a link), for callers that report Jackson's
     * exceptions in their own terms, such as planner-api's RFC 7807 problems.
     */
    public static ObjectReader reader(Class<?> type) {
        return MAPPER.readerFor(type);
    }

    /** A one-line writer of the profile or of one of its parts, absent keys omitted. */
    public static ObjectWriter writer() {
        return MAPPER.writer();
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
        if (e instanceof InvalidNullException nulled && !nulled.getPath().isEmpty()) {
            return "null is not allowed at " + location(nulled.getPath());
        }
        if (e instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            return "wrong value type at " + location(mismatch.getPath()) + ": expected "
                    + (mismatch.getTargetType() == null
                            ? "another type"
                            : mismatch.getTargetType().getSimpleName());
        }
        if (e instanceof StrictScalars.NulInTextException mapping) {
            return "invalid value at " + location(mapping.getPath()) + ": " + mapping.getOriginalMessage();
        }
        String location = e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
        return "malformed JSON" + location + ": " + e.getOriginalMessage();
    }

    private static String location(List<JsonMappingException.Reference> path) {
        String place = JsonPlace.of(path);
        return place.isEmpty() ? "the top level" : place;
    }
}
