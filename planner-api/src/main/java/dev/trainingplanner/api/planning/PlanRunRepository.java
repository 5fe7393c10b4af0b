package dev.trainingplanner.api.planning;

import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PlanRunRepository extends JpaRepository<PlanRun, UUID> {

    List<PlanRun> findAllByOrderByCreatedAtDesc(Pageable page);

    List<PlanRun> findByJobIdOrderByCreatedAtDesc(UUID jobId, Pageable page);

    long countByStatus(PlanStatus status);
}
