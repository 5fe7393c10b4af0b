package dev.trainingplanner.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies point one way: cost-models is plain Java, planner-engine adds only Timefold, and planner-api adapts
 * both to Spring, JPA and HTTP. The Maven module graph already forbids the reverse direction between modules; these
 * rules also keep frameworks out of the inner modules, where a transitive dependency could otherwise creep in.
 */
@AnalyzeClasses(packages = "dev.trainingplanner", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String COST_MODELS = "dev.trainingplanner.costmodel..";
    private static final String ENGINE = "dev.trainingplanner.engine..";
    private static final String API = "dev.trainingplanner.api..";
    private static final String AGENT = "dev.trainingplanner.agent..";

    @ArchTest
    static final ArchRule costModelsArePlainJava = noClasses()
            .that()
            .resideInAPackage(COST_MODELS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..",
                    "ai.timefold..",
                    "jakarta.persistence..",
                    "org.hibernate..",
                    ENGINE,
                    API,
                    AGENT)
            .because("cost-models must stay plain Java so that any search or service can reuse it");

    @ArchTest
    static final ArchRule engineUsesOnlyCostModelsAndTimefold = noClasses()
            .that()
            .resideInAPackage(ENGINE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "jakarta.persistence..", "org.hibernate..", API, AGENT)
            .because("planner-engine depends on cost-models and Timefold only; planner-api adapts it");

    @ArchTest
    static final ArchRule serviceDoesNotReachIntoTheAgent = noClasses()
            .that()
            .resideInAPackage(API)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(AGENT)
            .because("the profiler agent talks to the service over HTTP only");
}
