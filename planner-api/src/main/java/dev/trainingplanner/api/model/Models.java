package dev.trainingplanner.api.model;

import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.costmodel.model.ModelPresets;
import dev.trainingplanner.costmodel.model.ModelSpec;
import dev.trainingplanner.costmodel.model.ModelSpecJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The cost models' presets plus custom definitions; a custom model may not reuse a preset's name. */
@Service
public class Models {

    /** Ten trillion parameters: 25 times the largest dense preset (llama3.1-405b). */
    public static final long MAX_PARAMETERS = 10_000_000_000_000L;

    private final CustomModelRepository custom;

    Models(CustomModelRepository custom) {
        this.custom = custom;
    }

    /** A model as listed by the API. */
    public record Model(String name, boolean preset, ModelSpec spec) {}

    @Transactional(readOnly = true)
    public List<Model> all() {
        List<Model> models = new ArrayList<>();
        ModelPresets.names().forEach(name -> models.add(new Model(name, true, ModelPresets.byName(name))));
        custom.findAllByOrderByName().forEach(model -> models.add(toModel(model)));
        return models;
    }

    /** The preset or custom model of that name; 404 when there is none. */
    @Transactional(readOnly = true)
    public Model byName(String name) {
        if (isPreset(name)) {
            return new Model(name, true, ModelPresets.byName(name));
        }
        return custom.findByName(name)
                .map(Models::toModel)
                .orElseThrow(() -> ClientMistake.notFound("model '" + name + "'"));
    }

    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return isPreset(name) || custom.existsByName(name);
    }

    @Transactional
    public Model add(String name, String definitionJson) {
        if (isPreset(name) || custom.existsByName(name)) {
            throw ClientMistake.conflict("name", "a model named '" + name + "' already exists");
        }
        ModelSpec spec;
        try {
            spec = ModelSpecJson.parse(definitionJson, name);
        } catch (InvalidInputException e) {
            throw ClientMistake.invalid(null, e.getMessage());
        }
        if (spec.totalParameters() > MAX_PARAMETERS) {
            throw ClientMistake.invalid(
                    "(body)",
                    "the model has " + spec.totalParameters() + " parameters; at most " + MAX_PARAMETERS
                            + " are plausible for a dense model");
        }
        custom.save(new CustomModel(name, ModelSpecJson.write(spec), Instant.now()));
        return new Model(name, false, spec);
    }

    private static boolean isPreset(String name) {
        return name != null && ModelPresets.names().contains(name.trim().toLowerCase(Locale.ROOT));
    }

    private static Model toModel(CustomModel model) {
        return new Model(model.name(), false, ModelSpecJson.parse(model.definition(), model.name()));
    }
}
