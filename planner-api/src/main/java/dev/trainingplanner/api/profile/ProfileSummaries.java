package dev.trainingplanner.api.profile;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The summary view's counts, kept per cluster until its next upload: counting a 100,000-node profile reads 100,000 rows
 * and parses their GPUs (seconds), while checking the latest upload id is one index probe. Concurrent readers of one
 * cluster wait for one count instead of each running it. Holds the {@value #CLUSTERS} clusters read most recently.
 */
@Component
class ProfileSummaries {

    private static final int CLUSTERS = 64;

    private final ProfileStore profiles;
    private final Map<String, ProfileStore.Summary> byCluster = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ProfileStore.Summary> eldest) {
            return size() > CLUSTERS;
        }
    };
    private final Map<String, Object> locks = new LinkedHashMap<>();

    ProfileSummaries(ProfileStore profiles) {
        this.profiles = profiles;
    }

    ProfileStore.Summary of(String cluster) {
        long version = profiles.summaryVersion(cluster);
        ProfileStore.Summary cached = cached(cluster, version);
        if (cached != null) {
            return cached;
        }
        synchronized (lock(cluster)) {
            cached = cached(cluster, version);
            if (cached == null) {
                cached = profiles.summary(cluster);
                synchronized (byCluster) {
                    byCluster.put(cluster, cached);
                }
            }
            return cached;
        }
    }

    private ProfileStore.Summary cached(String cluster, long version) {
        synchronized (byCluster) {
            ProfileStore.Summary summary = byCluster.get(cluster);
            return summary != null && summary.version() >= version ? summary : null;
        }
    }

    private Object lock(String cluster) {
        synchronized (locks) {
            if (locks.size() > CLUSTERS) {
                locks.clear();
            }
            return locks.computeIfAbsent(cluster, c -> new Object());
        }
    }
}
