package dev.trainingplanner.deploy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the planner service really reads from its environment, taken from its own configuration: the
 * {@code ${VARIABLE:default}} placeholders and property keys of planner-api's application.properties, plus
 * every property Spring Boot documents in its configuration metadata (such as {@code spring.datasource.url}).
 * A variable binds to a property by Spring Boot's relaxed rule for environment variables: upper case, dots
 * become underscores, dashes are dropped ({@code planner.security.admin-token} = {@code PLANNER_SECURITY_ADMINTOKEN}).
 */
public final class PlannerConfiguration {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    private final Map<String, String> properties;
    private final Map<String, String> placeholderDefaults;
    private final Set<String> bindableVariables;

    private PlannerConfiguration(Map<String, String> properties, Set<String> documentedProperties) {
        this.properties = properties;
        this.placeholderDefaults = new LinkedHashMap<>();
        Set<String> bindable = new HashSet<>();
        properties.forEach((key, value) -> {
            bindable.add(environmentVariableOf(key));
            Matcher placeholder = PLACEHOLDER.matcher(value);
            while (placeholder.find()) {
                placeholderDefaults.put(placeholder.group(1), placeholder.group(2));
            }
        });
        documentedProperties.forEach(property -> bindable.add(environmentVariableOf(property)));
        this.bindableVariables = Collections.unmodifiableSet(bindable);
    }

    public static PlannerConfiguration load(Path applicationProperties) {
        Properties file = new Properties();
        try (Reader reader = Files.newBufferedReader(applicationProperties)) {
            file.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + applicationProperties, e);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        file.stringPropertyNames().forEach(key -> properties.put(key, file.getProperty(key)));
        return new PlannerConfiguration(properties, springBootDocumentedProperties());
    }

    /** Spring Boot's relaxed-binding form of a property name as an environment variable. */
    public static String environmentVariableOf(String propertyName) {
        return propertyName.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The value of a key in application.properties, if the key is there. */
    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /** The variable named by the placeholder of a property, e.g. PORT for {@code server.port=${PORT:8080}}. */
    public String placeholderVariableOf(String key) {
        String value =
                property(key).orElseThrow(() -> new AssertionError("application.properties has no property " + key));
        Matcher placeholder = PLACEHOLDER.matcher(value);
        if (!placeholder.find()) {
            throw new AssertionError(key + "=" + value + " reads no ${VARIABLE} placeholder");
        }
        return placeholder.group(1);
    }

    /** The default after the colon of a placeholder, e.g. 8080 for {@code ${PORT:8080}}. */
    public String placeholderDefault(String variable) {
        if (!placeholderDefaults.containsKey(variable)) {
            throw new AssertionError("application.properties has no ${" + variable + ":...} placeholder");
        }
        return placeholderDefaults.get(variable);
    }

    /** True if the service reads this variable, through a placeholder or by binding it to a known property. */
    public boolean reads(String environmentVariable) {
        return placeholderDefaults.containsKey(environmentVariable) || bindableVariables.contains(environmentVariable);
    }

    private static Set<String> springBootDocumentedProperties() {
        ObjectMapper json = new ObjectMapper();
        Set<String> names = new HashSet<>();
        try {
            var resources = PlannerConfiguration.class
                    .getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json");
            for (URL resource : Collections.list(resources)) {
                try (InputStream in = resource.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        names.add(property.path("name").asText());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Spring Boot's configuration metadata", e);
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("No Spring Boot configuration metadata on the test class path");
        }
        return names;
    }
}
