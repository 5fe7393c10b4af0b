package dev.trainingplanner.api.plan;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outside Spring Boot, logback logs everything at DEBUG to stdout; the plan command keeps stdout for its summary, so
 * the solver's progress lines are limited to warnings.
 */
final class QuietSolverLogs {

    private QuietSolverLogs() {}

    static void apply() {
        if (LoggerFactory.getLogger("ai.timefold.solver") instanceof Logger solverLogger) {
            solverLogger.setLevel(Level.WARN);
        }
    }
}
