package dev.trainingplanner.api.database;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Starts a real PostgreSQL server from Maven-shipped binaries when no datasource is configured, so that
 * {@code java -jar planner.jar} works on a fresh machine ({@link EmbeddedDatabaseServer}: durable, password-protected,
 * restarted when it dies). Setting {@code spring.datasource.url} (for example through {@code SPRING_DATASOURCE_URL}) or
 * providing other connection details switches it off entirely.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnProperty(prefix = "spring.datasource", name = "url", havingValue = "embedded", matchIfMissing = true)
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
public class EmbeddedPostgresAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(JdbcConnectionDetails.class)
    EmbeddedDatabaseServer embeddedDatabaseServer(EmbeddedPostgresProperties properties) {
        log.info(
                "No datasource configured: starting embedded PostgreSQL with data in {}",
                properties.dataDirectory().toAbsolutePath());
        return EmbeddedDatabaseServer.start(properties);
    }

    @Bean
    @ConditionalOnMissingBean(JdbcConnectionDetails.class)
    JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedDatabaseServer server) {
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return server.username();
            }

            @Override
            public String getPassword() {
                return server.password();
            }

            @Override
            public String getJdbcUrl() {
                return server.jdbcUrl();
            }
        };
    }
}
