package dev.pimflow.workflow;

import dev.pimflow.workflow.support.ContainersEndToEndTestBase;

/**
 * {@link SeedStoryScenarios} in Testcontainers mode: the same story and the same assertions, with the orchestrator on
 * a Kafka container (KRaft) and a PostgreSQL container. Skipped where there is no Docker engine (see
 * {@code DockerEngineCondition}).
 */
class SeedStoryOnContainersTest extends ContainersEndToEndTestBase implements SeedStoryScenarios {}
