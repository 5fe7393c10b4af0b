package dev.trainingplanner.api.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document declares the bearer token, so Swagger UI can send it ("Authorize"). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI plannerOpenApi() {
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
}
