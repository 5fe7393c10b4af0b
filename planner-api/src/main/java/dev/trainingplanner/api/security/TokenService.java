package dev.trainingplanner.api.security;

import dev.trainingplanner.api.problem.ClientMistake;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Issues, checks and revokes bearer tokens. Secrets are 32 random bytes; only their SHA-256 is kept. */
@Service
public class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokenRepository tokens;

    TokenService(ApiTokenRepository tokens) {
        this.tokens = tokens;
    }

    /** A new token and its secret, which is shown once and cannot be recovered. */
    public record IssuedToken(ApiToken token, String secret) {}

    @Transactional
    public IssuedToken issue(String name, Role role, String clusterName) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = "tp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new IssuedToken(store(name, role, clusterName, secret), secret);
    }

    @Transactional
    public ApiToken store(String name, Role role, String clusterName, String secret) {
        return tokens.save(new ApiToken(name, role, clusterName, hash(secret), Instant.now()));
    }

    @Transactional(readOnly = true)
    public Optional<Caller> authenticate(String secret) {
        return tokens.findByTokenHashAndRevokedAtIsNull(hash(secret))
                .map(token -> new Caller(token.id(), token.name(), token.role(), token.clusterName()));
    }

    @Transactional(readOnly = true)
    public List<ApiToken> list() {
        return tokens.findAllByOrderById();
    }

    @Transactional
    public ApiToken revoke(long id) {
        ApiToken token = tokens.findById(id).orElseThrow(() -> ClientMistake.notFound("token " + id));
        token.revoke(Instant.now());
        return token;
    }

    @Transactional(readOnly = true)
    boolean activeAdminExists() {
        return tokens.existsByRoleAndRevokedAtIsNull(Role.ADMIN.apiName());
    }

    @Transactional(readOnly = true)
    boolean isKnown(String secret) {
        return tokens.existsByTokenHash(hash(secret));
    }

    static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
