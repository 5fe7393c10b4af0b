package dev.trainingplanner.api.job;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface TrainingJobRepository extends JpaRepository<TrainingJob, UUID> {

    List<TrainingJob> findAllByOrderByCreatedAt();

    List<TrainingJob> findByActiveTrue();

    @Query("select j.id from TrainingJob j where j.clusterName = :clusterName")
    List<UUID> findIdsByClusterName(String clusterName);

    /**
     * The job, row-locked until the transaction ends, so that a change and a concurrent delete or change of the same
     * job happen one after the other. {@code for no key update} (not JPA's {@code for update}) leaves the key-share
     * locks of concurrent inserts that reference the job (its plan runs and revisions) unblocked, so a transaction
     * that inserted such a row first cannot deadlock with another one doing the same.
     */
    @Query(value = "select * from training_job where id = :id for no key update", nativeQuery = true)
    Optional<TrainingJob> findByIdForUpdate(UUID id);
}
