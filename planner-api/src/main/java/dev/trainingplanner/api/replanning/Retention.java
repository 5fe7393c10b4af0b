package dev.trainingplanner.api.replanning;

import dev.trainingplanner.api.profile.ProfileStore;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Removes profile history and plan revisions older than {@code planner.retention.period}, each through the feature
 * that owns it. The latest measurement of every node and link is kept whatever its age, so the effective profile never
 * loses a part.
 */
@Component
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final ProfileStore profiles;
    private final PlanRevisions revisions;
    private final Duration period;

    Retention(
            ProfileStore profiles,
            PlanRevisions revisions,
            @Value("${planner.retention.period:P90D}") Duration period) {
        this.profiles = profiles;
        this.revisions = revisions;
        this.period = period;
    }

    /** Returns the number of rows removed. */
    public int purge() {
        Instant cutoff = Instant.now().minus(period);
        ProfileStore.RemovedHistory history = profiles.removeHistoryBefore(cutoff);
        int removedRevisions = revisions.deleteCreatedBefore(cutoff);
        log.info(
                "Retention ({}): removed {} measurements, {} uploads, {} plan revisions",
                period,
                history.measurements(),
                history.uploads(),
                removedRevisions);
        return history.measurements() + history.uploads() + removedRevisions;
    }
}
