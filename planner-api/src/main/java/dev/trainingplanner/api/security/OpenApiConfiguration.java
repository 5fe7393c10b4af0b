package dev.trainingplanner.api.security;

import dev.trainingplanner.api.planning.PlanSolver;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document declares the bearer token, so Swagger UI can send it ("Authorize"), and the schemas that
 * answers name only as one of several shapes ({@code oneOf}), which springdoc does not collect by itself.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI plannerOpenApi() {
        Components components = new Components()
                .addSecuritySchemes(
                        "bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"));
        ModelConverters.getInstance().readAll(PlanSolver.SearchBest.class).forEach(components::addSchemas);
        return new OpenAPI()
                .info(new Info()
                        .title("Training-configuration planner API")
                        .version("v1")
                        .description("Clusters, profiles, models, jobs, asynchronous plans, launch artifacts,"
                                + " estimates and tokens. Every /api endpoint needs a bearer token."))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    @Bean
    OpenApiCustomizer oneOfSchemas() {
        return openApi -> ModelConverters.getInstance()
                .readAll(PlanSolver.SearchBest.class)
                .forEach(openApi.getComponents()::addSchemas);
    }
}
