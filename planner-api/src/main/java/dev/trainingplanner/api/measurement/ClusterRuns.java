package dev.trainingplanner.api.measurement;

import java.util.List;

/**
 * The measured runs of a cluster's jobs with the figures that identify what was read: a later
 * read with the same {@code samples} and {@code maxSampleId} saw the same steps (samples are never changed, only added
 * or removed with their job), so a fit from it would be the same.
 *
 * @param samples every stored step of the cluster's jobs, warm-up included
 * @param maxSampleId the largest sample id among them (0 when there are none)
 * @param runs the revisions with at least one step after warm-up
 */
public record ClusterRuns(long samples, long maxSampleId, List<MeasuredRun> runs) {}
