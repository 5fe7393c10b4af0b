package dev.trainingplanner.api.cluster;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ClusterRepository extends JpaRepository<Cluster, Long> {

    Optional<Cluster> findByName(String name);

    boolean existsByName(String name);

    List<Cluster> findAllByOrderByName();
}
