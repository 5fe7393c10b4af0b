package dev.trainingplanner.api.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first start creates an admin token and prints it once, unless {@code PLANNER_ADMIN_TOKEN}
 * ({@code planner.security.admin-token}) provides one. A PostgreSQL advisory lock keeps two replicas starting at the
 * same moment from both creating one.
 */
@Component
class AdminTokenBootstrap {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);
    private static final long LOCK_KEY = 0x706c616e6e6572L;

    private final TokenService tokens;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final String configuredAdminToken;

    AdminTokenBootstrap(
            TokenService tokens,
            JdbcTemplate jdbc,
            TransactionTemplate transaction,
            @Value("${planner.security.admin-token:}") String configuredAdminToken) {
        this.tokens = tokens;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.configuredAdminToken = configuredAdminToken;
    }

    /** The one message a newcomer must not miss, framed so that it stands out of the start-up log. */
    static String adminTokenNotice(String secret) {
        String rule = "=".repeat(100);
        return String.join(
                System.lineSeparator(),
                "",
                rule,
                "Initial admin token (shown only this once; store it now):",
                "",
                "    " + secret,
                "",
                "Send it as 'Authorization: Bearer <token>'. To choose the admin token yourself, start the service with"
                        + " PLANNER_ADMIN_TOKEN=<secret>.",
                rule);
    }

    @EventListener(ApplicationReadyEvent.class)
    void ensureAnAdminToken() {
        transaction.executeWithoutResult(status -> {
            jdbc.queryForObject("select pg_advisory_xact_lock(?)::text", String.class, LOCK_KEY);
            if (!configuredAdminToken.isBlank()) {
                if (!tokens.isKnown(configuredAdminToken)) {
                    tokens.store("admin (PLANNER_ADMIN_TOKEN)", Role.ADMIN, null, configuredAdminToken);
                    log.info("Admin token from PLANNER_ADMIN_TOKEN registered.");
                }
                return;
            }
            if (!tokens.activeAdminExists()) {
                TokenService.IssuedToken issued = tokens.issue("initial admin", Role.ADMIN, null);
                log.warn(adminTokenNotice(issued.secret()));
            }
        });
    }
}
