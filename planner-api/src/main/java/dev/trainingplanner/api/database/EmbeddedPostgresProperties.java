package dev.trainingplanner.api.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the embedded PostgreSQL that serves as the zero-setup default.
 *
 * @param dataDirectory where the database files live; kept between restarts
 * @param port TCP port on the loopback interface; 0 picks a free one at each start
 * @param cleanOnStart wipe the data directory at start (tests only)
 */
@ConfigurationProperties("planner.embedded-postgres")
public record EmbeddedPostgresProperties(Path dataDirectory, int port, boolean cleanOnStart) {

    public EmbeddedPostgresProperties {
        if (dataDirectory == null) {
            dataDirectory = Path.of("data", "postgres");
        }
    }
}
