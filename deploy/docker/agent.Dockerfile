# Profiler agent image, one per GPU node. Build the jar first, then the image from the repository root:
#   ./mvnw -pl profiler-agent -am package -DskipTests
#   docker build -f deploy/docker/agent.Dockerfile -t training-planner/profiler-agent:0.1.0 .
#
# nvidia-smi is NOT in this image: the NVIDIA Container Toolkit mounts it (and libnvidia-ml) from the
# host driver when the container runs with the NVIDIA runtime (`docker run --gpus all`, compose
# `deploy.resources.reservations.devices`, or Kubernetes `runtimeClassName: nvidia`). The two ENV
# lines below ask the toolkit for all GPUs and the "utility" capability, which is what provides
# nvidia-smi and NVML; the agent needs no CUDA compute capability to read the inventory.
#
# Base: Eclipse Temurin 17 JRE on Ubuntu 24.04 (noble), pinned by release tag and digest; it ships
# bash, which the TCP health check below uses.
FROM eclipse-temurin:17.0.17_10-jre-noble@sha256:3421d7f073ded5491600707946dd7593502bdc87a18b3f234e7069574fb80401

ARG APP_UID=10001

RUN groupadd --system --gid ${APP_UID} agent \
    && useradd --system --uid ${APP_UID} --gid agent --home-dir /opt/agent --shell /usr/sbin/nologin agent \
    && mkdir -p /opt/agent/spool \
    && chown -R agent:agent /opt/agent

WORKDIR /opt/agent
COPY --chown=agent:agent profiler-agent/target/profiler-agent.jar /opt/agent/profiler-agent.jar

ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=utility \
    AGENT_LISTEN_PORT=7071 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 7071
VOLUME ["/opt/agent/spool"]

USER 10001:10001

# The agent serves its peers' link measurements on --listen; a TCP connect proves the server is
# accepting, without speaking its protocol. The port in --listen must equal AGENT_LISTEN_PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD bash -c 'exec 3<>"/dev/tcp/127.0.0.1/${AGENT_LISTEN_PORT}"' || exit 1

ENTRYPOINT ["java", "-jar", "/opt/agent/profiler-agent.jar"]
CMD ["--help"]
