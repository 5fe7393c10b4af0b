package dev.trainingplanner.agent.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * GPU-to-GPU links inside a node: bandwidth in GB/s (bytes), latency in microseconds and the cells
 * of {@code nvidia-smi topo -m}; rows are the sending GPU index, columns the receiving one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntraNode(List<List<Double>> bandwidthGBps, List<List<Double>> latencyUs, List<List<String>> topology) {}
