package dev.trainingplanner.api.cluster;

import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.profile.ProfileNames;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers, finds and removes clusters; removing one removes its profile history. */
@Service
public class Clusters {

    /** The grammar of cluster names, which profiles, agents and the CLI also follow. */
    public static final String NAME_PATTERN = ProfileNames.CLUSTER_PATTERN;

    public static final String NAME_RULE = "must be " + ProfileNames.CLUSTER_RULE;

    private final ClusterRepository repository;

    Clusters(ClusterRepository repository) {
        this.repository = repository;
    }

    @Transactional
    public Cluster register(String name, String description) {
        if (repository.existsByName(name)) {
            throw ClientMistake.conflict("name", "a cluster named '" + name + "' is already registered");
        }
        return repository.save(new Cluster(name, description, Instant.now()));
    }

    @Transactional(readOnly = true)
    public Cluster byName(String name) {
        return repository.findByName(name).orElseThrow(() -> ClientMistake.notFound("cluster '" + name + "'"));
    }

    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return repository.existsByName(name);
    }

    @Transactional(readOnly = true)
    public List<Cluster> all() {
        return repository.findAllByOrderByName();
    }

    @Transactional
    public void delete(String name) {
        repository.delete(byName(name));
    }
}
