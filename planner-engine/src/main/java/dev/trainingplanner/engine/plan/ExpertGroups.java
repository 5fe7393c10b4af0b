package dev.trainingplanner.engine.plan;

import dev.trainingplanner.costmodel.cluster.Cluster;
import dev.trainingplanner.costmodel.layout.Layout;
import dev.trainingplanner.costmodel.placement.Placement;
import java.util.ArrayList;
import java.util.List;

/**
 * The expert-parallel groups of a layout as global ranks, and where a placement puts them. Megatron-Core's rank order
 * is tp fastest, then cp, then dp, then pp; the expert layers re-partition each stage's tp·cp·dp ranks as etp fastest,
 * then ep, then expert-DP, so an EP group is ep ranks etp apart inside one stage (the grouping the cost model's
 * placement evaluation prices the all-to-all on).
 */
public final class ExpertGroups {

    /** Where one EP group's GPUs are: one node, several nodes of one NVLink domain, or nodes the network joins. */
    public enum Reach {
        NODE,
        NVLINK_DOMAIN,
        NETWORK
    }

    private ExpertGroups() {}

    /** Every EP group of {@code layout}, each as its ranks; empty when ep is 1. */
    public static List<int[]> of(Layout layout) {
        int ep = layout.ep();
        int etp = layout.etp();
        List<int[]> groups = new ArrayList<>();
        if (ep <= 1) {
            return groups;
        }
        int stageGpus = layout.tp() * layout.cp() * layout.dp();
        int perStage = stageGpus / ep;
        for (int stage = 0; stage < layout.pp(); stage++) {
            int stageBase = stage * stageGpus;
            for (int group = 0; group < perStage; group++) {
                int base = stageBase + group % etp + (group / etp) * etp * ep;
                int[] ranks = new int[ep];
                for (int q = 0; q < ep; q++) {
                    ranks[q] = base + q * etp;
                }
                groups.add(ranks);
            }
        }
        return groups;
    }

    /** Where {@code ranks} run under {@code placement}. */
    public static Reach reach(int[] ranks, Placement placement, Cluster cluster) {
        int first = placement.node(ranks[0]);
        Reach reach = Reach.NODE;
        for (int rank : ranks) {
            int node = placement.node(rank);
            if (node == first) {
                continue;
            }
            if (!cluster.sameNvlinkDomain(first, node)) {
                return Reach.NETWORK;
            }
            reach = Reach.NVLINK_DOMAIN;
        }
        return reach;
    }
}
