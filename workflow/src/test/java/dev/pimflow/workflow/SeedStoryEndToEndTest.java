package dev.pimflow.workflow;

import dev.pimflow.workflow.support.EndToEndTestBase;

/** {@link SeedStoryScenarios} with the orchestrator on the embedded broker and H2. */
class SeedStoryEndToEndTest extends EndToEndTestBase implements SeedStoryScenarios {}
