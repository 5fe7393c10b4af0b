package dev.trainingplanner.api.security;

import java.util.Arrays;
import java.util.Locale;

/** What a bearer token may do; the names are those of the API ({@code agent}, {@code scheduler}, ...). */
public enum Role {
    /** Uploads profiles for its one cluster. */
    AGENT,
    /** Jobs, plans, estimates and artifacts; reads everything else. */
    SCHEDULER,
    /** Reads everything except tokens. */
    VIEWER,
    /** Tokens and clusters, and everything the others may do. */
    ADMIN;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String authority() {
        return "ROLE_" + name();
    }

    public static Role fromApiName(String name) {
        return Arrays.stream(values())
                .filter(role -> role.apiName().equals(name))
                .findFirst()
                .orElse(null);
    }
}
