package dev.trainingplanner.costmodel.correction;

import dev.trainingplanner.costmodel.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The correction factors of one cluster at one time, immutable and versioned by its content: {@code version} is the
 * first 16 hex digits of the SHA-256 of every factor's kind, scope, value (the exact double), runs, samples and note.
 * A prediction that records the version (and the set) is reproduced exactly by applying the same set again
 * ({@link CorrectedCostModel}); a set whose version does not match its content is refused.
 *
 * @param version content hash of the factors
 * @param factors at most one per kind and scope, sorted by kind and scope; a kind or scope not listed stays at its
 *     prior of 1
 */
public record CorrectionSet(String version, List<CorrectionFactor> factors) {

    private static final Comparator<CorrectionFactor> ORDER =
            Comparator.comparing(CorrectionFactor::kind).thenComparing(CorrectionFactor::scope);

    /** No correction: the published calibration as it is. */
    public static final CorrectionSet NONE = of(List.of());

    public CorrectionSet {
        InvalidInputException.require(factors != null, "correction factors must not be null");
        List<CorrectionFactor> sorted = new ArrayList<>(factors);
        sorted.sort(ORDER);
        Set<String> seen = new HashSet<>();
        for (CorrectionFactor factor : sorted) {
            InvalidInputException.require(factor != null, "correction factors must not contain null");
            InvalidInputException.require(
                    seen.add(factor.kind() + "/" + factor.scope()),
                    "correction set lists " + factor.kind() + " for scope '" + factor.scope() + "' twice");
        }
        factors = List.copyOf(sorted);
        String expected = contentHash(factors);
        InvalidInputException.require(
                expected.equals(version),
                "correction set version " + version + " does not match its factors (content hash " + expected + ")");
    }

    /** The set of {@code factors}, versioned by their content. */
    public static CorrectionSet of(List<CorrectionFactor> factors) {
        List<CorrectionFactor> sorted = new ArrayList<>(factors);
        sorted.sort(ORDER);
        return new CorrectionSet(contentHash(sorted), sorted);
    }

    /** The factor of {@code kind} for {@code scope}, if the set has one. */
    public Optional<CorrectionFactor> find(CorrectionKind kind, String scope) {
        return factors.stream()
                .filter(f -> f.kind() == kind && f.scope().equals(scope))
                .findFirst();
    }

    /** The multiplier of {@code kind} for {@code scope}: the factor's value, or the prior 1. */
    public double value(CorrectionKind kind, String scope) {
        return find(kind, scope).map(CorrectionFactor::value).orElse(CorrectionFactor.PRIOR);
    }

    private static String contentHash(List<CorrectionFactor> sorted) {
        StringBuilder text = new StringBuilder();
        for (CorrectionFactor f : sorted) {
            Evidence e = f.evidence();
            text.append(f.kind())
                    .append('\u001f')
                    .append(f.scope())
                    .append('\u001f')
                    .append(Double.toHexString(f.value()))
                    .append('\u001f')
                    .append(String.join(",", e.runIds()))
                    .append('\u001f')
                    .append(e.samples())
                    .append('\u001f')
                    .append(e.note())
                    .append('\u001e');
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
