package dev.trainingplanner.agent.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/** What the namespace tests need: a clear failure in CI, a skip with the reason elsewhere. */
final class Requirements {

    private Requirements() {}

    static void rootAndIproute2(String test) {
        String reason = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            reason = "needs root to create network namespaces (running as " + System.getProperty("user.name") + ")";
        } else {
            try {
                ShapedStar.run("ip", "-V");
                ShapedStar.run("tc", "-V");
            } catch (IOException e) {
                reason = "needs iproute2 (ip, tc): " + e.getMessage();
            }
        }
        unmet(test, reason);
    }

    static void unmet(String test, String reason) {
        if (reason == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(test + " " + reason + "; CI must provide it");
        }
        Assumptions.abort(test + " skipped outside CI: " + reason);
    }
}
