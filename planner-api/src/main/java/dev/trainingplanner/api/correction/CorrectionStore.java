package dev.trainingplanner.api.correction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingplanner.costmodel.correction.CorrectionSet;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code cluster_correction} table: every set fitted for a cluster, newest last. */
@Repository
class CorrectionStore {

    private static final String COLUMNS = "corrections, fitted_at, runs, measured_samples, measured_max_id";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    CorrectionStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(String clusterName, StoredCorrections fitted) {
        jdbc.update(
                """
                insert into cluster_correction (cluster_name, version, fitted_at, corrections, runs, measured_samples,
                                                measured_max_id)
                values (?, ?, ?, ?::jsonb, ?, ?, ?)""",
                clusterName,
                fitted.version(),
                Timestamp.from(fitted.fittedAt()),
                write(fitted.corrections()),
                fitted.runs(),
                fitted.measuredSamples(),
                fitted.measuredMaxId());
    }

    Optional<StoredCorrections> latest(String clusterName) {
        return jdbc
                .query(
                        "select " + COLUMNS
                                + " from cluster_correction where cluster_name = ? order by id desc limit 1",
                        this::row,
                        clusterName)
                .stream()
                .findFirst();
    }

    /** The latest fit that produced {@code version} (every fit of one version holds the same set). */
    Optional<StoredCorrections> version(String clusterName, String version) {
        return jdbc
                .query(
                        "select " + COLUMNS + " from cluster_correction where cluster_name = ? and version = ?"
                                + " order by id desc limit 1",
                        this::row,
                        clusterName,
                        version)
                .stream()
                .findFirst();
    }

    /** Every fit of the cluster, newest first (at most 1,000). */
    List<StoredCorrections> history(String clusterName) {
        return jdbc.query(
                "select " + COLUMNS + " from cluster_correction where cluster_name = ? order by id desc limit 1000",
                this::row,
                clusterName);
    }

    /** Serialises fits of one cluster until the transaction ends, so that two solves starting together fit once. */
    void lock(String clusterName) {
        jdbc.queryForList("select pg_advisory_xact_lock(hashtext('cluster_correction:' || ?))", clusterName);
    }

    private StoredCorrections row(ResultSet rs, int index) throws SQLException {
        try {
            return new StoredCorrections(
                    json.readValue(rs.getString(1), CorrectionSet.class),
                    rs.getTimestamp(2).toInstant(),
                    rs.getInt(3),
                    rs.getLong(4),
                    rs.getLong(5));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored correction set could not be read back", e);
        }
    }

    private String write(CorrectionSet corrections) {
        try {
            return json.writeValueAsString(corrections);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a correction set could not be serialised", e);
        }
    }
}
