package dev.trainingplanner.api.planning;

import java.util.concurrent.Semaphore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The fair-share rule between solves: a large solve (its cluster has more than {@code planner.solves.large-cluster-nodes}
 * nodes, or it asks for more than {@code planner.solves.large-request-gpus} GPUs) may use at most all but one of this
 * replica's solver threads, so one thread always stays free for small solves however many large ones are queued. A large
 * solve picked while those threads are busy goes back to the queue untouched ({@link Deferred}) and is picked again a few
 * seconds later. With one solver thread a replica runs large solves too (nothing to reserve), one at a time.
 */
@Component
class LargeSolves {

    private final int clusterNodes;
    private final int requestGpus;
    private final Semaphore slots;

    LargeSolves(
            @Value("${planner.solves.large-cluster-nodes:1024}") int clusterNodes,
            @Value("${planner.solves.large-request-gpus:4096}") int requestGpus,
            @Value("${db-scheduler.threads:2}") int solverThreads) {
        this.clusterNodes = clusterNodes;
        this.requestGpus = requestGpus;
        this.slots = new Semaphore(Math.max(1, solverThreads - 1));
    }

    boolean isLarge(long clusterNodeCount, int gpus) {
        return clusterNodeCount > clusterNodes || gpus > requestGpus;
    }

    /** Takes a large-solve slot, or throws {@link Deferred} when all are taken; release it with {@link #release}. */
    void acquire() {
        if (!slots.tryAcquire()) {
            throw new Deferred();
        }
    }

    void release() {
        slots.release();
    }

    /** A large solve found every large-solve slot taken; db-scheduler retries it a few seconds later. */
    static final class Deferred extends RuntimeException {
        Deferred() {
            super(
                    "every solver thread that large solves may use is busy; the solve waits in the queue",
                    null,
                    false,
                    false);
        }
    }
}
