# Planner service image. Build the jar first, then the image from the repository root:
#   ./mvnw -pl planner-api -am package -DskipTests
#   docker build -f deploy/docker/planner.Dockerfile -t training-planner/planner:0.1.0 .
#
# Base: Eclipse Temurin 17 JRE on Ubuntu 24.04 (noble), pinned by release tag and by digest so a
# rebuild gets the same bytes. Its Dockerfile (adoptium/containers 17/jre/ubuntu/noble) installs curl
# and wget, so the health check needs nothing extra.
FROM eclipse-temurin:17.0.17_10-jre-noble@sha256:3421d7f073ded5491600707946dd7593502bdc87a18b3f234e7069574fb80401

ARG APP_UID=10001

# A fixed numeric user so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
RUN groupadd --system --gid ${APP_UID} planner \
    && useradd --system --uid ${APP_UID} --gid planner --home-dir /opt/planner --shell /usr/sbin/nologin planner \
    && mkdir -p /opt/planner/data \
    && chown -R planner:planner /opt/planner

WORKDIR /opt/planner
COPY --chown=planner:planner planner-api/target/planner.jar /opt/planner/planner.jar

# server.port=${PORT:8080}; PLANNER_DATA_DIR only matters without SPRING_DATASOURCE_URL (embedded PostgreSQL).
ENV PORT=8080 \
    PLANNER_DATA_DIR=/opt/planner/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
VOLUME ["/opt/planner/data"]

USER 10001:10001

# Liveness group of the actuator: up once the context has started, independent of the database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl --fail --silent --show-error --max-time 4 "http://127.0.0.1:${PORT}/actuator/health/liveness" || exit 1

ENTRYPOINT ["java", "-jar", "/opt/planner/planner.jar"]
CMD ["serve"]
