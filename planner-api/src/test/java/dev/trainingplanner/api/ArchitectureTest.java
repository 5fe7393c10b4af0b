package dev.trainingplanner.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies point one way: cost-models is plain Java, profile-format is plain Java and Jackson, planner-engine adds
 * only Timefold, and planner-api adapts them to Spring, JPA and HTTP. The Maven module graph already forbids the
 * reverse direction between modules; these rules also keep frameworks out of the inner modules, where a transitive
 * dependency could otherwise creep in. The agent is not on this module's classpath (it is built after planner.jar,
 * which its integration test runs): its rule, profile-format only, is profiler-agent's own ArchitectureTest.
 */
@AnalyzeClasses(packages = "dev.trainingplanner", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String COST_MODELS = "dev.trainingplanner.costmodel..";
    private static final String PROFILE_FORMAT = "dev.trainingplanner.profile..";
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
                    PROFILE_FORMAT,
                    ENGINE,
                    API,
                    AGENT)
            .because("cost-models must stay plain Java so that any search or service can reuse it");

    @ArchTest
    static final ArchRule profileFormatIsPlainJavaAndJackson = classes()
            .that()
            .resideInAPackage(PROFILE_FORMAT)
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "com.fasterxml.jackson..", PROFILE_FORMAT)
            .because("the agent ships profile-format to every node, so it carries nothing but the format");

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

    @ArchTest
    static final ArchRule measurementsAndReplanningDoNotDependOnEachOtherBothWays = slices().matching(
                    "dev.trainingplanner.api.(measurement|replanning|correction)..")
            .should()
            .beFreeOfCycles()
            .because(
                    "re-planning reads measurements and corrections; shared pieces (webhooks) live in the job feature");
}
