package dev.trainingplanner.api.job;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface TrainingJobRepository extends JpaRepository<TrainingJob, UUID> {

    List<TrainingJob> findAllByOrderByCreatedAt();

    List<TrainingJob> findByActiveTrue();
}
