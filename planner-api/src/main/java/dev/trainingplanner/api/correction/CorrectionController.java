package dev.trainingplanner.api.correction;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A cluster's correction factors: the set plans and estimates use now, with the evidence of every factor and the list
 * of fits, or one stored fit by version ({@code ?version=}, as a plan records it).
 */
@RestController
@RequestMapping("/api/v1/clusters/{name}/corrections")
class CorrectionController {

    private final ClusterCorrections corrections;

    CorrectionController(ClusterCorrections corrections) {
        this.corrections = corrections;
    }

    @GetMapping(params = "!version")
    ClusterCorrections.History latest(@PathVariable String name) {
        return corrections.history(name);
    }

    @GetMapping(params = "version")
    StoredCorrections version(@PathVariable String name, @RequestParam String version) {
        return corrections.fit(name, version);
    }
}
