package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.lookup.PlanningId;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;

/**
 * One local position of one node's GPU order: rank {@code slot·g + local} of the node's position in the node order
 * runs on GPU {@code gpu} of that node. Only nodes whose GPUs differ (intra-node links or speeds) get these entities;
 * on the others every order is equivalent and the GPUs stay in index order. The GPU order travels with its node when
 * the node moves in the node order. Moves swap two positions of one node, so each node's positions hold a permutation.
 */
@PlanningEntity
public class GpuPosition {

    public static final String GPU = "gpu";

    @PlanningId
    private Integer id;

    private ClusterNode node;

    private int local;

    @PlanningVariable(valueRangeProviderRefs = PlacementSolution.GPU_RANGE)
    private Integer gpu;

    public GpuPosition() {}

    public GpuPosition(int id, ClusterNode node, int local, Integer gpu) {
        this.id = id;
        this.node = node;
        this.local = local;
        this.gpu = gpu;
    }

    public Integer getId() {
        return id;
    }

    public ClusterNode getNode() {
        return node;
    }

    public int getLocal() {
        return local;
    }

    public Integer getGpu() {
        return gpu;
    }

    public void setGpu(Integer gpu) {
        this.gpu = gpu;
    }

    @Override
    public String toString() {
        return node.name() + " local " + local + " = GPU " + gpu;
    }
}
