package dev.trainingplanner.api.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface CustomModelRepository extends JpaRepository<CustomModel, Long> {

    Optional<CustomModel> findByName(String name);

    boolean existsByName(String name);

    List<CustomModel> findAllByOrderByName();
}
