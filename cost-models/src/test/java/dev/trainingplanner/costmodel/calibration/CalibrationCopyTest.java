package dev.trainingplanner.costmodel.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository carries its own copy of the published calibration data ({@code calibration/}), so that a plain clone
 * builds and tests. {@code calibration/SHA256SUMS} records which version was copied. The copy must match that record,
 * and where the team's reference folder ({@code shared/calibration} beside the repository) is checked out, the
 * reference must match it too: a reference that has moved on fails here until the copy and the record are updated.
 */
class CalibrationCopyTest {

    private static final String MANIFEST = "SHA256SUMS";

    @Test
    void theRepositoryCopyMatchesItsRecordedChecksums() {
        Path copy = CalibrationCases.calibrationDirectory();
        assertThat(checksums(copy)).isEqualTo(recorded(copy));
    }

    @Test
    void theReferenceFolderBesideTheRepositoryHasNotMovedOnFromTheCopy() {
        Path copy = CalibrationCases.calibrationDirectory();
        Path reference = copy.getParent().resolveSibling("shared").resolve("calibration");
        Map<String, String> expected = recorded(copy);
        Map<String, String> actual = Files.isDirectory(reference) ? checksums(reference) : expected;
        System.out.println(
                Files.isDirectory(reference)
                        ? "compared calibration/ with " + reference
                        : "no reference folder at " + reference + "; the copy stands alone");
        assertThat(actual)
                .as(
                        "files of %s against calibration/%s; copy the folder and regenerate the record with"
                                + " 'sha256sum' when it changes",
                        reference, MANIFEST)
                .isEqualTo(expected);
    }

    private static Map<String, String> recorded(Path directory) {
        Map<String, String> sums = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(directory.resolve(MANIFEST))) {
                if (!line.isBlank()) {
                    String[] parts = line.trim().split("\\s+", 2);
                    sums.put(parts[1], parts[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sums;
    }

    private static Map<String, String> checksums(Path directory) {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = directory.relativize(file).toString().replace('\\', '/');
                if (!name.equals(MANIFEST)) {
                    sums.put(name, sha256(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sums;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
