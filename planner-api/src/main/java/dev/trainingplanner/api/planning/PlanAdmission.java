package dev.trainingplanner.api.planning;

import dev.trainingplanner.api.model.Models;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.profile.ProfileStore;
import dev.trainingplanner.costmodel.InvalidInputException;
import dev.trainingplanner.engine.plan.PlanRequest;
import dev.trainingplanner.engine.plan.Planner;
import dev.trainingplanner.engine.profile.ProfiledCluster;
import dev.trainingplanner.profile.InvalidProfileException;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * What can be known about a plan request without solving it, checked before it is queued so that the client gets a
 * 422 naming the field instead of a 202 and a FAILED plan: the cluster has a profile, the exclusions name its nodes and
 * GPUs, and the GPU count suits the usable GPUs. The solve itself still checks the profile it reads then, which may
 * have changed in between. For a large solve ({@link LargeSolves}) only the profile's existence is checked here:
 * reading and converting a profile of thousands of nodes belongs on a solver thread, under the solve's time limit, not
 * in the request.
 */
@Component
class PlanAdmission {

    private final ProfileStore profiles;
    private final Models models;
    private final LargeSolves largeSolves;

    PlanAdmission(ProfileStore profiles, Models models, LargeSolves largeSolves) {
        this.profiles = profiles;
        this.models = models;
        this.largeSolves = largeSolves;
    }

    void check(PlanSpec spec) {
        long nodes = profiles.nodeCount(spec.cluster());
        int gpus = spec.goal().gpus() == null ? 0 : spec.goal().gpus();
        if (nodes > 0 && largeSolves.isLarge(nodes, gpus)) {
            return;
        }
        ProfileStore.EffectiveProfile effective = profiles.effective(spec.cluster());
        if (effective.isEmpty()) {
            throw unprocessable(
                    "cluster",
                    "cluster '" + spec.cluster() + "' has no profile yet: upload one (POST /api/v1/clusters/"
                            + spec.cluster() + "/profiles) before planning");
        }
        ProfiledCluster cluster;
        try {
            cluster = EngineRequests.cluster(effective.profile(), spec.options());
        } catch (InvalidProfileException e) {
            throw unprocessable("options", e.getMessage());
        }
        PlanRequest request;
        try {
            request = EngineRequests.request(
                    cluster, models.byName(spec.model()).spec(), spec.goal(), spec.options(), Duration.ofSeconds(1));
        } catch (InvalidInputException e) {
            throw unprocessable("goal", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw unprocessable("options", e.getMessage());
        }
        if (spec.goal().isCostPerToken()) {
            return;
        }
        try {
            Planner.checkGpuCount(request);
        } catch (IllegalArgumentException e) {
            throw unprocessable("goal.gpus", e.getMessage());
        }
    }

    private static ClientMistake unprocessable(String field, String detail) {
        return new ClientMistake(HttpStatus.UNPROCESSABLE_ENTITY, field, detail);
    }
}
