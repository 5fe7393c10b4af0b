package dev.trainingplanner.api.correction;

import dev.trainingplanner.api.cluster.Clusters;
import dev.trainingplanner.api.measurement.ClusterRuns;
import dev.trainingplanner.api.measurement.Measurements;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.api.profile.ProfileStore;
import dev.trainingplanner.costmodel.correction.CorrectionFitter;
import dev.trainingplanner.costmodel.correction.CorrectionSet;
import dev.trainingplanner.costmodel.correction.Measurement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A cluster's correction sets, fitted from the measured runs of its jobs' plans ({@link CorrectionFitter}) and kept,
 * every one, in {@code cluster_correction}. Fitting is lazy: uploads only store samples, and the first plan or estimate
 * on the cluster that finds samples the latest fit did not see fits again (under a per-cluster lock, so concurrent
 * solves fit once). Until a cluster has a measured run past warm-up its set is {@link CorrectionSet#NONE}, the
 * published calibration.
 */
@Service
public class ClusterCorrections {

    private final CorrectionStore store;
    private final Measurements measurements;
    private final MeasuredInputs inputs;
    private final ProfileStore profiles;
    private final Clusters clusters;
    private final TransactionTemplate transactions;
    private final CorrectionFitter fitter = new CorrectionFitter();

    ClusterCorrections(
            CorrectionStore store,
            Measurements measurements,
            MeasuredInputs inputs,
            ProfileStore profiles,
            Clusters clusters,
            TransactionTemplate transactions) {
        this.store = store;
        this.measurements = measurements;
        this.inputs = inputs;
        this.profiles = profiles;
        this.clusters = clusters;
        this.transactions = transactions;
    }

    /** The set plans and estimates on the cluster use now: the latest fit, refitted first when samples arrived. */
    public CorrectionSet latest(String clusterName) {
        Optional<StoredCorrections> latest = store.latest(clusterName);
        long[] fingerprint = measurements.clusterFingerprint(clusterName);
        if (latest.isEmpty() && fingerprint[0] == 0) {
            // No job of the cluster has measured a step: the published calibration, without reading the profile.
            return CorrectionSet.NONE;
        }
        if (latest.isPresent() && seesAll(latest.get(), fingerprint)) {
            return latest.get().corrections();
        }
        return transactions.execute(status -> {
            store.lock(clusterName);
            Optional<StoredCorrections> current = store.latest(clusterName);
            ClusterRuns runs = measurements.clusterRuns(clusterName);
            if (current.isPresent() && seesAll(current.get(), new long[] {runs.samples(), runs.maxSampleId()})) {
                return current.get().corrections();
            }
            if (runs.runs().isEmpty()) {
                return current.map(StoredCorrections::corrections).orElse(CorrectionSet.NONE);
            }
            ProfileStore.EffectiveProfile profile = profiles.effective(clusterName);
            List<Measurement> usable = profile.isEmpty()
                    ? List.of()
                    : runs.runs().stream()
                            .flatMap(run -> inputs.of(run, profile.profile()).stream())
                            .toList();
            if (usable.isEmpty()) {
                return current.map(StoredCorrections::corrections).orElse(CorrectionSet.NONE);
            }
            StoredCorrections fitted = new StoredCorrections(
                    fitter.fit(usable), Instant.now(), usable.size(), runs.samples(), runs.maxSampleId());
            store.insert(clusterName, fitted);
            return fitted.corrections();
        });
    }

    /**
     * A stored set by version; 400 naming {@code field} for a string that is no version, 404 for an unknown cluster or
     * a version the cluster never had.
     */
    public CorrectionSet version(String clusterName, String version, String field) {
        checkVersion(version, field);
        clusters.byName(clusterName);
        if (CorrectionSet.NONE.version().equals(version)) {
            return CorrectionSet.NONE;
        }
        return store.version(clusterName, version)
                .map(StoredCorrections::corrections)
                .orElseThrow(() -> ClientMistake.notFound(
                        "correction version '" + version + "' of cluster '" + clusterName + "'"));
    }

    /** The cluster's current set (fitted first if needed) and every stored fit, newest first; 404 for no cluster. */
    public History history(String clusterName) {
        clusters.byName(clusterName);
        CorrectionSet latest = latest(clusterName);
        List<Fit> fits = store.history(clusterName).stream()
                .map(f -> new Fit(f.version(), f.fittedAt(), f.runs(), f.measuredSamples()))
                .toList();
        return new History(clusterName, latest, fits);
    }

    /** A stored fit of one version, with when and from what it was fitted; 400 and 404 as {@link #version}. */
    public StoredCorrections fit(String clusterName, String version) {
        checkVersion(version, "version");
        clusters.byName(clusterName);
        return store.version(clusterName, version)
                .orElseThrow(() -> ClientMistake.notFound(
                        "correction version '" + version + "' of cluster '" + clusterName + "'"));
    }

    /**
     * The answer of {@code GET /clusters/{name}/corrections}: the set in use (with every factor's evidence) and the
     * cluster's fits, newest first.
     */
    public record History(String cluster, CorrectionSet latest, List<Fit> fits) {}

    /** One stored fit: the version it produced, when, from how many runs and stored samples (warm-up included). */
    public record Fit(String version, Instant fittedAt, int runs, long measuredSamples) {}

    /** A version is the 16 hex digits of a content hash ({@code CorrectionSet}). */
    private static void checkVersion(String version, String field) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw ClientMistake.invalid(field, field + " must be a correction set version (16 hex digits)");
        }
    }

    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{16}");

    private static boolean seesAll(StoredCorrections fit, long[] fingerprint) {
        return fit.measuredSamples() == fingerprint[0] && fit.measuredMaxId() == fingerprint[1];
    }
}
