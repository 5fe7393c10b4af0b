package dev.trainingplanner.api.security;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

    Optional<ApiToken> findByTokenHashAndRevokedAtIsNull(String tokenHash);

    boolean existsByRoleAndRevokedAtIsNull(String role);

    boolean existsByTokenHash(String tokenHash);

    List<ApiToken> findAllByOrderById();
}
