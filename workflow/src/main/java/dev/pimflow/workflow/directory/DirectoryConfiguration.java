package dev.pimflow.workflow.directory;

import com.azure.core.credential.TokenCredential;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.graph.GraphAuthSettings;
import dev.pimflow.pim.graph.GraphClientSettings;
import dev.pimflow.pim.graph.GraphCredentials;
import dev.pimflow.pim.graph.GraphPimClient;
import dev.pimflow.pim.graph.GraphThrottle;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.QuotaSettings;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.metrics.MeteredPimDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the PIM directory: Microsoft Graph (or the embedded Graph simulator) through the Graph client, metered. */
@Configuration
public class DirectoryConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DirectoryConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "pim.simulator.enabled", havingValue = "true")
    public GraphSimulator graphSimulator(PimProperties properties) {
        PimProperties.Simulator.Quota q = properties.simulator().quota();
        GraphSimulator simulator = GraphSimulator.start(properties.simulator().port())
                .quota(new QuotaSettings(
                        q.enabled(), q.writesPerWindow(), q.writeWindow(), q.readUnitsPerWindow(), q.readWindow()));
        log.info(
                "Graph simulator serving the Contoso tenant at {} (Graph's quotas {})",
                simulator.baseUrl(),
                q.enabled() ? "enforced" : "off");
        return simulator;
    }

    @Bean
    public GraphEndpoint graphEndpoint(PimProperties properties, ObjectProvider<GraphSimulator> simulator) {
        String baseUrl = properties.graph().baseUrl();
        if (baseUrl == null || baseUrl.isBlank()) {
            GraphSimulator sim = simulator.getIfAvailable();
            if (sim == null) {
                throw new IllegalStateException("pim.graph.base-url is empty and the Graph simulator is disabled: set "
                        + "PIM_GRAPH_BASE_URL (e.g. https://graph.microsoft.com/v1.0) or enable pim.simulator.enabled");
            }
            baseUrl = sim.baseUrl();
        }
        return new GraphEndpoint(baseUrl);
    }

    /**
     * The node's one view of "Graph says wait until T" (DESIGN 9.4): every Graph call of this node honours it, the
     * metrics ({@code pimflow_graph_throttle*}, {@code pimflow_graph_requests*}) and the {@code graph} health component show
     * it. A {@code Retry-After} is believed up to {@code pim.graph.max-retry-after}; writes are paced to
     * {@code pim.graph.writes-per-window} per {@code pim.graph.write-window} (Graph's documented quota by default; on N
     * nodes give each its share).
     */
    @Bean
    public GraphThrottle graphThrottle(PimProperties properties) {
        PimProperties.Graph g = properties.graph();
        // writes-per-window 0 is a pace that paces nothing (WritePace.paces())
        return new GraphThrottle(g.maxRetryAfter(), new GraphThrottle.WritePace(g.writesPerWindow(), g.writeWindow()));
    }

    @Bean
    public PimDirectory pimDirectory(
            PimProperties properties, GraphEndpoint endpoint, GraphThrottle throttle, MeterRegistry meterRegistry) {
        PimProperties.Graph g = properties.graph();
        String baseUrl = endpoint.baseUrl();
        TokenCredential credential = GraphCredentials.create(
                new GraphAuthSettings(
                        g.auth(),
                        g.tenantId(),
                        g.clientId(),
                        g.clientSecret(),
                        g.certificatePath(),
                        g.certificatePassword()),
                SimulatorTokenCredential::new);
        log.info("PIM calls go to {} (auth: {})", baseUrl, g.auth());
        // timed and counted by operation and Graph error code (pimflow_graph_*)
        return new MeteredPimDirectory(
                new GraphPimClient(
                        new GraphClientSettings(
                                baseUrl, g.requestTimeout(), g.maxAttempts(), g.initialBackoff(), g.maxBackoff()),
                        credential,
                        GraphPimClient.DEFAULT_SCOPE,
                        throttle),
                meterRegistry);
    }
}
