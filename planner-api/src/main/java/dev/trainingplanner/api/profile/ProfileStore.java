package dev.trainingplanner.api.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trainingplanner.api.cluster.Cluster;
import dev.trainingplanner.api.cluster.Clusters;
import dev.trainingplanner.api.problem.ClientMistake;
import dev.trainingplanner.profile.ClusterProfile;
import dev.trainingplanner.profile.ClusterProfile.DefaultLink;
import dev.trainingplanner.profile.ClusterProfile.LinkProfile;
import dev.trainingplanner.profile.ClusterProfile.NodeProfile;
import dev.trainingplanner.profile.ClusterProfileValidator;
import dev.trainingplanner.profile.ProfileJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores profile uploads (whole or partial) and answers the cluster's effective profile: the latest measurement of
 * each node, each link direction and the default link, each with its time, so stale ones can be shown as such.
 */
@Service
public class ProfileStore {

    static final String NODE = "node";
    static final String LINK = "link";
    static final String DEFAULT_LINK = "default-link";

    private final JdbcTemplate jdbc;
    private final Clusters clusters;
    private final ClusterProfileValidator validator = new ClusterProfileValidator();
    private final Duration staleAfter;

    ProfileStore(
            JdbcTemplate jdbc, Clusters clusters, @Value("${planner.profiles.stale-after:P1D}") Duration staleAfter) {
        this.jdbc = jdbc;
        this.clusters = clusters;
        this.staleAfter = staleAfter;
    }

    /** One stored measurement of a node, link or the default link. */
    public record Measurement(
            String kind, String subject, Instant measuredAt, Instant receivedAt, boolean stale, String body) {}

    /** The merged profile in the shared format, plus where each part came from. */
    public record EffectiveProfile(ClusterProfile profile, List<Measurement> measurements, Duration staleAfter) {

        public boolean isEmpty() {
            return profile.nodes().isEmpty();
        }
    }

    public record UploadResult(long uploadId, boolean replayed, int nodes, int links, boolean defaultLink) {}

    @Transactional
    public UploadResult upload(String clusterName, String idempotencyKey, ClusterProfile upload, String body) {
        Cluster cluster = clusters.byName(clusterName);
        String bodySha256 = sha256(body);
        if (idempotencyKey != null) {
            Optional<EarlierUpload> earlier = earlierUpload(cluster.id(), idempotencyKey);
            if (earlier.isPresent()) {
                return replay(earlier.get(), idempotencyKey, bodySha256);
            }
        }
        if (upload.name() == null || upload.name().isBlank()) {
            throw ClientMistake.invalid("name", "the profile's cluster 'name' is required");
        }
        if (!upload.name().equals(clusterName)) {
            throw ClientMistake.invalid(
                    "name", "the profile is for cluster '" + upload.name() + "' but was sent to '" + clusterName + "'");
        }
        if (upload.nodes().isEmpty() && upload.links().isEmpty() && upload.defaultLink() == null) {
            throw ClientMistake.invalid("nodes", "the upload holds no nodes, links or defaultLink");
        }
        PlausibilityLimits.check(upload);
        validator.check(validationProfile(upload, cluster));
        Instant now = Instant.now();
        Instant uploadMeasuredAt = instant(upload.measuredAt(), now);

        List<Long> inserted = jdbc.query(
                """
                insert into profile_upload (cluster_id, idempotency_key, received_at, body, body_sha256)
                values (?, ?, ?, ?, ?)
                on conflict (cluster_id, idempotency_key) do nothing returning id""",
                (rs, i) -> rs.getLong(1),
                cluster.id(),
                idempotencyKey,
                Timestamp.from(now),
                body,
                bodySha256);
        if (inserted.isEmpty()) {
            // The same key was stored by a concurrent retry that committed first.
            return replay(earlierUpload(cluster.id(), idempotencyKey).orElseThrow(), idempotencyKey, bodySha256);
        }
        long uploadId = inserted.get(0);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < upload.nodes().size(); i++) {
            NodeProfile node = upload.nodes().get(i);
            Instant at = instant(node.measuredAt(), uploadMeasuredAt);
            NodeProfile stamped = new NodeProfile(
                    node.name(), node.gpus(), node.intraNode(), node.compute(), at.toString(), node.nvlinkDomain());
            rows.add(row(cluster, uploadId, NODE, node.name(), null, at, now, stamped));
        }
        for (int i = 0; i < upload.links().size(); i++) {
            LinkProfile link = upload.links().get(i);
            Instant at = instant(link.measuredAt(), uploadMeasuredAt);
            LinkProfile stamped = new LinkProfile(
                    link.from(),
                    link.to(),
                    link.bandwidthGbps(),
                    link.latencyUs(),
                    link.p95BandwidthGbps(),
                    link.p95LatencyUs(),
                    at.toString());
            rows.add(row(cluster, uploadId, LINK, link.from() + "->" + link.to(), link, at, now, stamped));
        }
        if (upload.defaultLink() != null) {
            rows.add(
                    row(cluster, uploadId, DEFAULT_LINK, "default", null, uploadMeasuredAt, now, upload.defaultLink()));
        }
        jdbc.batchUpdate(
                """
                insert into profile_measurement
                    (cluster_id, upload_id, kind, subject, link_from, link_to, measured_at, received_at, body)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                rows);
        return new UploadResult(
                uploadId, false, upload.nodes().size(), upload.links().size(), upload.defaultLink() != null);
    }

    @Transactional(readOnly = true)
    public EffectiveProfile effective(String clusterName) {
        return effective(clusters.byName(clusterName), 0, null);
    }

    /**
     * One page of the effective profile: its latest measurements {@code offset .. offset + limit - 1} in (kind,
     * subject) order (default link, then links by subject, then nodes by name) and the profile parts they hold; the
     * default link is in every page, so that each page is a valid partial profile.
     */
    @Transactional(readOnly = true)
    public EffectiveProfile effectivePage(String clusterName, long offset, int limit) {
        Cluster cluster = clusters.byName(clusterName);
        EffectiveProfile page = effective(cluster, offset, limit);
        if (page.profile().defaultLink() != null || offset == 0) {
            return page;
        }
        List<DefaultLink> defaultLink = jdbc.query(
                """
                select body from profile_measurement where cluster_id = ? and kind = 'default-link'
                order by measured_at desc, id desc limit 1""",
                (rs, i) -> stored(rs.getString(1), DefaultLink.class),
                cluster.id());
        ClusterProfile parts = page.profile();
        return new EffectiveProfile(
                new ClusterProfile(
                        parts.name(),
                        parts.measuredAt(),
                        parts.nodes(),
                        parts.links(),
                        defaultLink.isEmpty() ? null : defaultLink.get(0)),
                page.measurements(),
                staleAfter);
    }

    /**
     * What the effective profile holds, counted by the database without reading a part into the service (the summary
     * view: a 100,000-node profile is about 125 MB as JSON), with the measurement times sorted so that the stale count
     * can be taken at any later instant.
     *
     * @param version the cluster's latest upload id: the summary stays valid until it changes (retention removes only
     *     replaced measurements)
     * @param measuredAtMillis the latest measurements' times, epoch milliseconds, ascending
     */
    public record Summary(
            long version,
            long nodes,
            long gpus,
            long links,
            DefaultLink defaultLink,
            long[] measuredAtMillis,
            Duration staleAfter) {

        public long measurements() {
            return measuredAtMillis.length;
        }

        public Instant measuredAt() {
            return measuredAtMillis.length == 0
                    ? null
                    : Instant.ofEpochMilli(measuredAtMillis[measuredAtMillis.length - 1]);
        }

        /** Measurements older than {@code staleAfter} at {@code now}. */
        public long staleMeasurements(Instant now) {
            long before = now.minus(staleAfter).toEpochMilli();
            int stale = Arrays.binarySearch(measuredAtMillis, before);
            if (stale < 0) {
                return -stale - 1;
            }
            while (stale > 0 && measuredAtMillis[stale - 1] == before) {
                stale--;
            }
            return stale;
        }
    }

    /** The cluster's latest upload id, which changes with every upload: what a cached {@link Summary} is valid for. */
    @Transactional(readOnly = true)
    public long summaryVersion(String clusterName) {
        Long version = jdbc.queryForObject(
                "select coalesce(max(id), 0) from profile_upload where cluster_id = ?",
                Long.class,
                clusters.byName(clusterName).id());
        return version == null ? 0 : version;
    }

    @Transactional(readOnly = true)
    public Summary summary(String clusterName) {
        Cluster cluster = clusters.byName(clusterName);
        long version = summaryVersion(clusterName);
        return jdbc.queryForObject(
                """
                with latest as (
                    select distinct on (kind, subject, link_from, link_to) kind, measured_at, body
                    from profile_measurement where cluster_id = ?
                    order by kind, subject, link_from, link_to, measured_at desc, id desc)
                select count(*) filter (where kind = 'node'),
                       coalesce(sum(jsonb_array_length(body::jsonb -> 'gpus')) filter (where kind = 'node'), 0),
                       count(*) filter (where kind = 'link'),
                       max(body) filter (where kind = 'default-link'),
                       coalesce(array_agg((extract(epoch from measured_at) * 1000)::bigint order by measured_at),
                                '{}')
                from latest""",
                (rs, i) -> new Summary(
                        version,
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getString(4) == null ? null : stored(rs.getString(4), DefaultLink.class),
                        Arrays.stream((Long[]) rs.getArray(5).getArray())
                                .mapToLong(Long::longValue)
                                .toArray(),
                        staleAfter),
                cluster.id());
    }

    /** How many nodes the cluster's effective profile has, without reading it. */
    @Transactional(readOnly = true)
    public long nodeCount(String clusterName) {
        return nodeCount(clusters.byName(clusterName));
    }

    private long nodeCount(Cluster cluster) {
        Long count = jdbc.queryForObject(
                "select count(distinct subject) from profile_measurement where cluster_id = ? and kind = 'node'",
                Long.class,
                cluster.id());
        return count == null ? 0 : count;
    }

    @Transactional(readOnly = true)
    public List<Measurement> history(String clusterName, String subject, long offset, int limit) {
        Cluster cluster = clusters.byName(clusterName);
        Instant now = Instant.now();
        return jdbc.query(
                """
                select kind, subject, measured_at, received_at, body from profile_measurement
                where cluster_id = ? and (cast(? as text) is null or subject = ?)
                order by measured_at desc, id desc limit ? offset ?""",
                (rs, i) -> measurement(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3), rs.getTimestamp(4), rs.getString(5), now),
                cluster.id(),
                subject,
                subject,
                limit,
                offset);
    }

    /** The latest measurements {@code offset ..} ({@code limit} of them, or all when null) as a profile. */
    private EffectiveProfile effective(Cluster cluster, long offset, Integer limit) {
        Instant now = Instant.now();
        List<Measurement> latest = jdbc.query(
                """
                select distinct on (kind, subject, link_from, link_to) kind, subject, measured_at, received_at, body
                from profile_measurement where cluster_id = ?
                order by kind, subject, link_from, link_to, measured_at desc, id desc
                limit ? offset ?""",
                (rs, i) -> measurement(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3), rs.getTimestamp(4), rs.getString(5), now),
                cluster.id(),
                limit,
                offset);
        List<NodeProfile> nodes = new ArrayList<>();
        List<LinkProfile> links = new ArrayList<>();
        DefaultLink defaultLink = null;
        Instant newest = null;
        for (Measurement m : latest) {
            switch (m.kind()) {
                case NODE -> nodes.add(stored(m.body(), NodeProfile.class));
                case LINK -> links.add(stored(m.body(), LinkProfile.class));
                default -> defaultLink = stored(m.body(), DefaultLink.class);
            }
            newest = newest == null || m.measuredAt().isAfter(newest) ? m.measuredAt() : newest;
        }
        ClusterProfile profile = new ClusterProfile(
                cluster.name(), newest == null ? null : newest.toString(), nodes, links, defaultLink);
        return new EffectiveProfile(profile, latest, staleAfter);
    }

    /**
     * What the profile validator must see to judge this upload against the stored profile: the upload itself plus the
     * stored nodes its links refer to (stored parts were valid when they arrived, and nodes are never removed, so
     * nothing else can become invalid). This keeps an upload's cost independent of the cluster's size.
     */
    private ClusterProfile validationProfile(ClusterProfile upload, Cluster cluster) {
        Set<String> uploadedNodes = upload.nodes().stream()
                .filter(Objects::nonNull)
                .map(NodeProfile::name)
                .collect(Collectors.toSet());
        Set<String> referenced = new HashSet<>();
        for (LinkProfile link : upload.links()) {
            if (link != null) {
                Stream.of(link.from(), link.to())
                        .filter(name -> name != null && !uploadedNodes.contains(name))
                        .forEach(referenced::add);
            }
        }
        List<NodeProfile> nodes = new ArrayList<>(upload.nodes());
        nodes.addAll(jdbc.query(
                """
                select distinct on (subject) body from profile_measurement
                where cluster_id = ? and kind = 'node' and subject = any (?)
                order by subject, measured_at desc, id desc""",
                (rs, i) -> stored(rs.getString(1), NodeProfile.class),
                cluster.id(),
                referenced.toArray(String[]::new)));
        if (nodes.isEmpty()) {
            // A links-free, nodes-free upload (only a defaultLink) is valid once the cluster has any node.
            nodes.addAll(jdbc.query(
                    "select body from profile_measurement where cluster_id = ? and kind = 'node' limit 1",
                    (rs, i) -> stored(rs.getString(1), NodeProfile.class),
                    cluster.id()));
        }
        return new ClusterProfile(cluster.name(), upload.measuredAt(), nodes, upload.links(), upload.defaultLink());
    }

    /** An upload stored under an idempotency key, with the SHA-256 of its body. */
    private record EarlierUpload(long id, String bodySha256) {}

    private Optional<EarlierUpload> earlierUpload(long clusterId, String key) {
        return jdbc
                .query(
                        "select id, body_sha256 from profile_upload where cluster_id = ? and idempotency_key = ?",
                        (rs, i) -> new EarlierUpload(rs.getLong(1), rs.getString(2)),
                        clusterId,
                        key)
                .stream()
                .findFirst();
    }

    /**
     * The answer to a retry: the earlier upload's counts when the body is the same, 422 when the key is reused for
     * another body (IETF draft "The Idempotency-Key HTTP Header Field", §2.7), which would otherwise be dropped.
     */
    private UploadResult replay(EarlierUpload earlier, String key, String bodySha256) {
        if (!earlier.bodySha256().equals(bodySha256)) {
            throw new ClientMistake(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    "Idempotency-Key",
                    "Idempotency-Key '" + key + "' was already used for upload " + earlier.id()
                            + " with a different body; send new data under a new key");
        }
        long uploadId = earlier.id();
        Map<String, Object> counts = jdbc.queryForMap(
                """
                select count(*) filter (where kind = 'node') as nodes, count(*) filter (where kind = 'link') as links,
                       count(*) filter (where kind = 'default-link') as defaults
                from profile_measurement where upload_id = ?""",
                uploadId);
        return new UploadResult(
                uploadId,
                true,
                ((Number) counts.get("nodes")).intValue(),
                ((Number) counts.get("links")).intValue(),
                ((Number) counts.get("defaults")).intValue() > 0);
    }

    private Measurement measurement(
            String kind, String subject, Timestamp measuredAt, Timestamp receivedAt, String body, Instant now) {
        Instant measured = measuredAt.toInstant();
        return new Measurement(
                kind,
                subject,
                measured,
                receivedAt.toInstant(),
                measured.plus(staleAfter).isBefore(now),
                body);
    }

    /** One {@code profile_measurement} row; {@code link} is the measured link, null for nodes and the default link. */
    private static Object[] row(
            Cluster cluster,
            long uploadId,
            String kind,
            String subject,
            LinkProfile link,
            Instant measuredAt,
            Instant now,
            Object part) {
        return new Object[] {
            cluster.id(),
            uploadId,
            kind,
            subject,
            link == null ? null : link.from(),
            link == null ? null : link.to(),
            Timestamp.from(measuredAt),
            Timestamp.from(now),
            storable(part)
        };
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** A part as stored in {@code profile_measurement.body}: one line of the profile format. */
    private static String storable(Object part) {
        try {
            return ProfileJson.writer().writeValueAsString(part);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a profile part could not be serialised", e);
        }
    }

    /** A stored part read back; it was valid when stored, so a failure here is not the client's. */
    private static <T> T stored(String body, Class<T> type) {
        try {
            return ProfileJson.reader(type).readValue(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored profile part could not be read back", e);
        }
    }

    /** A measurement time the validator has accepted, or the fallback when absent. */
    private static Instant instant(String value, Instant fallback) {
        return value == null ? fallback : Instant.parse(value);
    }

    /** How much profile history {@link #removeHistoryBefore} removed. */
    public record RemovedHistory(int measurements, int uploads) {}

    /**
     * Removes measurements received before {@code cutoff} that a newer measurement of the same node or link replaces,
     * then the uploads left without measurements. The latest measurement of every node and link stays whatever its
     * age, so the effective profile never loses a part.
     */
    @Transactional
    public RemovedHistory removeHistoryBefore(Instant cutoff) {
        Timestamp before = Timestamp.from(cutoff);
        int measurements = jdbc.update(
                """
                delete from profile_measurement m where m.received_at < ? and exists (
                    select 1 from profile_measurement newer
                    where newer.cluster_id = m.cluster_id and newer.kind = m.kind and newer.subject = m.subject
                      and newer.link_from is not distinct from m.link_from and newer.link_to is not distinct from m.link_to
                      and (newer.measured_at > m.measured_at or (newer.measured_at = m.measured_at and newer.id > m.id)))""",
                before);
        int uploads = jdbc.update(
                """
                delete from profile_upload u where u.received_at < ?
                  and not exists (select 1 from profile_measurement m where m.upload_id = u.id)""",
                before);
        return new RemovedHistory(measurements, uploads);
    }
}
