package dev.trainingplanner.api.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the embedded PostgreSQL that serves as the zero-setup default.
 *
 * @param dataDirectory where the database files live; kept between restarts. The passwords live beside it, in
 *     {@code <dataDirectory>-planner-credentials} (mode 0600)
 * @param port TCP port on the loopback interface; 0 picks a free one at each start
 * @param cleanOnStart start from an empty database in a new folder below {@code dataDirectory} (tests only)
 * @param durable fsync and synchronous commit on (the default); {@code false} trades crash safety for speed and is
 *     meant for tests only
 */
@ConfigurationProperties("planner.embedded-postgres")
public record EmbeddedPostgresProperties(Path dataDirectory, int port, boolean cleanOnStart, Boolean durable) {

    public EmbeddedPostgresProperties {
        if (dataDirectory == null) {
            dataDirectory = Path.of("data", "postgres");
        }
        if (durable == null) {
            durable = Boolean.TRUE;
        }
    }
}
