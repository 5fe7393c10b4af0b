package dev.trainingplanner.deploy.image;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code repository[:tag][@sha256:digest]} of a container image. */
public record ImageReference(String repository, Optional<String> tag, Optional<String> digest) {

    private static final Pattern REFERENCE = Pattern.compile(
            "^([a-z0-9][a-z0-9._/:-]*?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$");
    /** A release tag names at least major.minor, e.g. 16.4-bookworm or 17.0.17_10-jre-noble. */
    private static final Pattern RELEASE_TAG = Pattern.compile("^v?\\d+\\.\\d+([._-].*)?$");

    public static ImageReference parse(String text) {
        Matcher matcher = REFERENCE.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not an image reference: " + text);
        }
        return new ImageReference(
                matcher.group(1), Optional.ofNullable(matcher.group(2)), Optional.ofNullable(matcher.group(3)));
    }

    /** Pinned: a digest, or a release tag (never latest, never a bare major such as 17-jre). */
    public boolean pinned() {
        return digest.isPresent()
                || tag.map(t -> RELEASE_TAG.matcher(t).matches()).orElse(false);
    }
}
