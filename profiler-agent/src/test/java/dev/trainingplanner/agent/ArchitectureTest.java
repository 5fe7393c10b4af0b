package dev.trainingplanner.agent;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.trainingplanner.outside.PlannerSideClass;
import org.junit.jupiter.api.Test;

/**
 * The agent runs on every GPU node and shares only the profile format with the planner: of the project's modules it
 * uses profile-format alone, never the cost model, the engine or the service. The rule lives here because only this
 * module's classpath holds the agent; planner-api's ArchitectureTest keeps the other modules in line.
 */
@AnalyzeClasses(packages = "dev.trainingplanner", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule agentUsesOnlyTheProfileFormat = noClasses()
            .that()
            .resideInAPackage("dev.trainingplanner.agent..")
            .should()
            .dependOnClassesThat(resideInAPackage("dev.trainingplanner..")
                    .and(not(resideInAnyPackage("dev.trainingplanner.agent..", "dev.trainingplanner.profile.."))))
            .because("the agent ships alone to every node and talks to the planner in the profile format over HTTP");

    /** The rule is real: an agent class that reaches into another module of the project breaks it. */
    @Test
    void theRuleCatchesAnAgentClassThatUsesAnotherModule() {
        assertThat(agentUsesOnlyTheProfileFormat
                        .evaluate(new ClassFileImporter().importClasses(ReachesIntoThePlanner.class))
                        .hasViolation())
                .isTrue();
    }

    /** Stands for agent code that would call planner code directly. */
    static final class ReachesIntoThePlanner {
        String plannerSide() {
            return new PlannerSideClass().toString();
        }
    }
}
