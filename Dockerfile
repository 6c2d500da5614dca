# syntax=docker/dockerfile:1
# pimflow's image: the orchestrator, and (with another entrypoint, see docker-compose.yml) the Graph simulator.
#   docker build -t pimflow:local .
# Needs BuildKit for the Maven cache mount: the default builder of Docker 23+ and of `docker compose`; with an older
# builder set DOCKER_BUILDKIT=1 (and, for docker-compose 1.x, COMPOSE_DOCKER_CLI_BUILD=1).

# ---- build: the Maven wrapper on a JDK 17 (it fetches Maven itself); the cache mount keeps ~/.m2 between builds
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    sh ./mvnw -B -q -Dmaven.test.skip=true -pl workflow -am package \
 && cp workflow/target/pimflow-workflow-*.jar /tmp/app.jar

# ---- run: the repackaged Spring Boot jar on a JRE 17, as an unprivileged user
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 pimflow \
 && useradd --system --uid 10001 --gid pimflow --home-dir /app --no-create-home --shell /usr/sbin/nologin pimflow \
 && mkdir -p /app/data \
 && chown pimflow:pimflow /app/data
WORKDIR /app
# owned by root and read-only for the process
COPY --from=build /tmp/app.jar /app/app.jar
USER 10001:10001
# 8080: Cockpit, REST APIs, actuator; 8090: the Graph simulator, when the image runs it
EXPOSE 8080 8090
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-jar", "/app/app.jar"]
