package dev.trainingplanner.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a complete cluster profile strictly ({@link ProfileJson}) and validates it ({@link ClusterProfileValidator}):
 * what the CLI's {@code plan --cluster} reads and what the API checks an upload against.
 */
public final class ClusterProfileReader {

    private final ClusterProfileValidator validator = new ClusterProfileValidator();

    /** Parses and validates; throws {@link InvalidProfileException} with specific messages. */
    public ClusterProfile read(String json) {
        return validator.check(ProfileJson.parse(json));
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
}
