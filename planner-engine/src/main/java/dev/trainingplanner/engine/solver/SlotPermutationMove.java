package dev.trainingplanner.engine.solver;

import ai.timefold.solver.core.api.score.director.ScoreDirector;
import ai.timefold.solver.core.impl.heuristic.move.AbstractMove;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Rearranges the nodes of some positions of the node order among themselves, so every node stays in exactly one
 * position. The two kinds are Pipette's route moves lifted to whole blocks:
 *
 * <ul>
 *   <li>{@link #reversal}: reverse positions {@code from..to} (2-opt; reverses a pipeline chain segment);
 *   <li>{@link #rotation}: rotate positions {@code from..to} (moves a node or a run of nodes elsewhere in the range);
 *   <li>{@link #blockSwap}: exchange two disjoint blocks of {@code length} positions (swaps whole pipeline stages or
 *       data-parallel groups between places, or with spare nodes).
 * </ul>
 */
public final class SlotPermutationMove extends AbstractMove<PlacementSolution> {

    private final String kind;
    private final List<NodeSlot> slots;
    private final List<ClusterNode> newNodes;

    private SlotPermutationMove(String kind, List<NodeSlot> slots, List<ClusterNode> newNodes) {
        this.kind = kind;
        this.slots = slots;
        this.newNodes = newNodes;
    }

    public static SlotPermutationMove reversal(List<NodeSlot> all, int from, int to) {
        List<NodeSlot> slots = new ArrayList<>(all.subList(from, to + 1));
        List<ClusterNode> nodes = new ArrayList<>(slots.size());
        for (int i = slots.size() - 1; i >= 0; i--) {
            nodes.add(slots.get(i).getNode());
        }
        return new SlotPermutationMove("reverse", slots, nodes);
    }

    /**
     * Rotates positions {@code from..to} left by {@code shift}: Pipette's insert (shift 1 or length−1) and
     * insert_route (a run of nodes moved elsewhere in the range).
     */
    public static SlotPermutationMove rotation(List<NodeSlot> all, int from, int to, int shift) {
        List<NodeSlot> slots = new ArrayList<>(all.subList(from, to + 1));
        int length = slots.size();
        List<ClusterNode> nodes = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            nodes.add(slots.get((i + shift) % length).getNode());
        }
        return new SlotPermutationMove("rotate", slots, nodes);
    }

    public static SlotPermutationMove blockSwap(List<NodeSlot> all, int first, int second, int length) {
        List<NodeSlot> slots = new ArrayList<>(2 * length);
        List<ClusterNode> nodes = new ArrayList<>(2 * length);
        for (int i = 0; i < length; i++) {
            slots.add(all.get(first + i));
            nodes.add(all.get(second + i).getNode());
        }
        for (int i = 0; i < length; i++) {
            slots.add(all.get(second + i));
            nodes.add(all.get(first + i).getNode());
        }
        return new SlotPermutationMove("blockSwap", slots, nodes);
    }

    @Override
    public boolean isMoveDoable(ScoreDirector<PlacementSolution> scoreDirector) {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).getNode() != newNodes.get(i)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void doMoveOnGenuineVariables(ScoreDirector<PlacementSolution> scoreDirector) {
        for (int i = 0; i < slots.size(); i++) {
            NodeSlot slot = slots.get(i);
            if (slot.getNode() != newNodes.get(i)) {
                scoreDirector.beforeVariableChanged(slot, NodeSlot.NODE);
                slot.setNode(newNodes.get(i));
                scoreDirector.afterVariableChanged(slot, NodeSlot.NODE);
            }
        }
    }

    @Override
    public Collection<?> getPlanningEntities() {
        return slots;
    }

    @Override
    public Collection<?> getPlanningValues() {
        return newNodes;
    }

    @Override
    public String getSimpleMoveTypeDescription() {
        return "SlotPermutationMove(" + kind + ")";
    }

    @Override
    public String toString() {
        return kind + " " + slots.get(0).getPosition() + ".."
                + slots.get(slots.size() - 1).getPosition();
    }
}
