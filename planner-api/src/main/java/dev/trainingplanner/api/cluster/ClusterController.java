package dev.trainingplanner.api.cluster;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Register, list, get and delete clusters (admin writes, every role but agent reads). */
@RestController
@RequestMapping("/api/v1/clusters")
class ClusterController {

    private final Clusters clusters;

    ClusterController(Clusters clusters) {
        this.clusters = clusters;
    }

    record ClusterRequest(
            @NotNull @Pattern(regexp = Clusters.NAME_PATTERN, message = Clusters.NAME_RULE) String name,
            @Size(max = 2000) String description) {}

    record ClusterView(String name, String description, Instant createdAt) {
        static ClusterView of(Cluster cluster) {
            return new ClusterView(cluster.name(), cluster.description(), cluster.createdAt());
        }
    }

    @PostMapping
    ResponseEntity<ClusterView> register(@Valid @RequestBody ClusterRequest request) {
        Cluster cluster = clusters.register(request.name(), request.description());
        return ResponseEntity.created(URI.create("/api/v1/clusters/" + cluster.name()))
                .body(ClusterView.of(cluster));
    }

    @GetMapping
    List<ClusterView> list() {
        return clusters.all().stream().map(ClusterView::of).toList();
    }

    @GetMapping("/{name}")
    ClusterView get(@PathVariable String name) {
        return ClusterView.of(clusters.byName(name));
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        clusters.delete(name);
        return ResponseEntity.noContent().build();
    }
}
