package dev.trainingplanner.api.security;

import dev.trainingplanner.api.cluster.Clusters;
import dev.trainingplanner.api.problem.ClientMistake;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admin-only: issue, list and revoke bearer tokens. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

    private final TokenService tokens;
    private final Clusters clusters;

    TokenController(TokenService tokens, Clusters clusters) {
        this.tokens = tokens;
        this.clusters = clusters;
    }

    record TokenRequest(
            @NotBlank @Size(max = 200) String name,
            @NotBlank
                    @Pattern(
                            regexp = "agent|scheduler|viewer|admin",
                            message = "must be agent, scheduler, viewer or admin")
                    String role,
            @Size(max = 200) String cluster) {}

    record TokenView(long id, String name, String role, String cluster, Instant createdAt, Instant revokedAt) {
        static TokenView of(ApiToken token) {
            return new TokenView(
                    token.id(),
                    token.name(),
                    token.role().apiName(),
                    token.clusterName(),
                    token.createdAt(),
                    token.revokedAt());
        }
    }

    record IssuedTokenView(long id, String name, String role, String cluster, String token) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    IssuedTokenView issue(@Valid @RequestBody TokenRequest request) {
        Role role = Role.fromApiName(request.role());
        if (role == Role.AGENT
                && (request.cluster() == null || request.cluster().isBlank())) {
            throw ClientMistake.invalid("cluster", "an agent token needs the name of the cluster it uploads for");
        }
        if (role != Role.AGENT && request.cluster() != null) {
            throw ClientMistake.invalid("cluster", "only agent tokens are tied to a cluster");
        }
        if (role == Role.AGENT && !clusters.exists(request.cluster())) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    "cluster",
                    "no cluster named '" + request.cluster() + "' is registered; register it before issuing its agent"
                            + " token");
        }
        TokenService.IssuedToken issued = tokens.issue(request.name(), role, request.cluster());
        return new IssuedTokenView(
                issued.token().id(), request.name(), role.apiName(), request.cluster(), issued.secret());
    }

    @GetMapping
    List<TokenView> list() {
        return tokens.list().stream().map(TokenView::of).toList();
    }

    @DeleteMapping("/{id}")
    TokenView revoke(@PathVariable long id) {
        return TokenView.of(tokens.revoke(id));
    }
}
