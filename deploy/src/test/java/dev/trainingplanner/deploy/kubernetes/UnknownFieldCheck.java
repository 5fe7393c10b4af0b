package dev.trainingplanner.deploy.kubernetes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields the Kubernetes API does not define (a misspelt {@code replica:} or {@code imagePullPolicey:}), which
 * the OpenAPI schemas of kubernetes-models let pass and an API server would silently drop. Each object is read into
 * its fabric8 model class; every field that class does not declare lands in its {@code additionalProperties}.
 */
public final class UnknownFieldCheck {

    private static final String SERVICES = "META-INF/services/" + KubernetesResource.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Class<?>> typesByApiVersionAndKind;

    private UnknownFieldCheck(Map<String, Class<?>> typesByApiVersionAndKind) {
        this.typesByApiVersionAndKind = typesByApiVersionAndKind;
    }

    /** Indexes the top-level kinds of the fabric8 model jars on the class path by apiVersion and kind. */
    public static UnknownFieldCheck load() {
        Map<String, Class<?>> types = new HashMap<>();
        ClassLoader loader = UnknownFieldCheck.class.getClassLoader();
        try {
            for (URL services : Collections.list(loader.getResources(SERVICES))) {
                try (BufferedReader reader =
                        new BufferedReader(new InputStreamReader(services.openStream(), StandardCharsets.UTF_8))) {
                    for (String line : reader.lines().map(String::strip).toList()) {
                        if (line.isEmpty() || line.startsWith("#")) {
                            continue;
                        }
                        Class<?> type = Class.forName(line, false, loader);
                        if (HasMetadata.class.isAssignableFrom(type)) {
                            @SuppressWarnings("unchecked")
                            Class<? extends HasMetadata> resource = (Class<? extends HasMetadata>) type;
                            types.put(HasMetadata.getApiVersion(resource) + "/" + HasMetadata.getKind(resource), type);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + SERVICES, e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("A fabric8 model class listed in " + SERVICES + " is missing", e);
        }
        return new UnknownFieldCheck(types);
    }

    /** "Kind/name: path: unknown field(s) [...]" for each place with fields the API does not define. */
    public List<String> unknownFields(JsonNode object) {
        String name =
                object.path("kind").asText() + "/" + object.at("/metadata/name").asText();
        Class<?> type = typesByApiVersionAndKind.get(
                object.path("apiVersion").asText() + "/" + object.path("kind").asText());
        if (type == null) {
            return List.of(
                    name + ": no fabric8 model for " + object.path("apiVersion").asText() + " "
                            + object.path("kind").asText());
        }
        List<String> found = new ArrayList<>();
        try {
            walk(JSON.treeToValue(object, type), "", name, found);
        } catch (IOException e) {
            found.add(name + ": does not read as " + type.getSimpleName() + ": " + e.getMessage());
        }
        return found;
    }

    private static void walk(Object value, String path, String name, List<String> found) {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", name, found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, entry) -> walk(entry, path + "." + key, name, found));
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = value.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                if (property != null) {
                    walk(read(field, value), path + "." + property.value(), name, found);
                } else if (field.getName().equals("additionalProperties")
                        && read(field, value) instanceof Map<?, ?> extra
                        && !extra.isEmpty()) {
                    found.add(name + ": " + (path.isEmpty() ? "(top level)" : path.substring(1)) + ": unknown field(s) "
                            + extra.keySet());
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot read " + field, e);
        }
    }
}
