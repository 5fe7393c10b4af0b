package dev.trainingplanner.api.problem;

import dev.trainingplanner.profile.StrictScalars;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Request JSON is read strictly: a number where text is expected, 2.5 where a whole number is expected, or 3 where a
 * boolean is expected is a client mistake, not something to guess about. The rules are those of the cluster-profile
 * format ({@link StrictScalars}), so a profile upload and every other body follow the same ones.
 */
@Configuration(proxyBeanMethods = false)
public class StrictJson {

    @Bean
    Jackson2ObjectMapperBuilderCustomizer strictScalars() {
        return builder -> builder.postConfigurer(StrictScalars::apply);
    }
}
