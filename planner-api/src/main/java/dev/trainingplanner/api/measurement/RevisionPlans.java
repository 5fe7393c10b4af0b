package dev.trainingplanner.api.measurement;

import dev.trainingplanner.api.planning.PlanRuns;
import dev.trainingplanner.api.planning.StoredPlans;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.engine.output.PlanDocument;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * A job's plan revisions, numbered from 1: its completed plans in the order they finished
 * ({@link PlanRuns#completedInFinishingOrder}). A plan finishes once, so the numbers never change as later plans
 * finish, whichever started first.
 */
@Component
class RevisionPlans {

    private final PlanRuns runs;
    private final StoredPlans stored;

    RevisionPlans(PlanRuns runs, StoredPlans stored) {
        this.runs = runs;
        this.stored = stored;
    }

    /**
     * The plan a revision ran: its id, its world size (ranks of the placement), the memory capacity of each rank's GPU
     * as the plan's estimate recorded it, its predicted iteration time and the memory headroom it was planned with.
     */
    record RevisionPlan(
            int revision,
            UUID planId,
            int worldSize,
            List<Double> capacityBytesByRank,
            double predictedIterationSeconds,
            double headroomFraction) {

        OptionalDouble capacityBytes(int rank) {
            return rank < capacityBytesByRank.size() && capacityBytesByRank.get(rank) != null
                    ? OptionalDouble.of(capacityBytesByRank.get(rank))
                    : OptionalDouble.empty();
        }
    }

    /** 422 naming {@code field} when the job has no such revision or the revision's plan is infeasible. */
    RevisionPlan resolve(UUID jobId, int revision, String field) {
        List<UUID> completed = runs.completedInFinishingOrder(jobId);
        if (revision < 1 || revision > completed.size()) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    field,
                    "job " + jobId + " has no plan revision " + revision + " (it has " + completed.size()
                            + " completed plan" + (completed.size() == 1 ? "" : "s") + ", numbered from 1 in the order"
                            + " they finished)");
        }
        UUID planId = completed.get(revision - 1);
        PlanDocument document = stored.document(runs.byId(planId));
        if (document.placement() == null || document.placement().isEmpty()) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    field,
                    "plan revision " + revision + " (plan " + planId + ") found no feasible plan, so nothing ran it");
        }
        int worldSize = document.placement().size();
        Double[] capacities = new Double[worldSize];
        if (document.estimate() != null && document.estimate().rankMemory() != null) {
            document.estimate().rankMemory().stream()
                    .filter(rank -> rank.rank() >= 0 && rank.rank() < worldSize)
                    .forEach(rank -> capacities[rank.rank()] = rank.capacityBytes());
        }
        return new RevisionPlan(
                revision,
                planId,
                worldSize,
                Arrays.asList(capacities),
                document.estimate().iterationTimeSeconds(),
                document.problem().headroomFraction());
    }
}
