package dev.pimflow.workflow.config;

import com.azure.core.credential.TokenCredential;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.mfa.MfaAssertionVerifier;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.graph.GraphAuthSettings;
import dev.pimflow.pim.graph.GraphClientSettings;
import dev.pimflow.pim.graph.GraphCredentials;
import dev.pimflow.pim.graph.GraphPimClient;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import dev.pimflow.workflow.metrics.MeteredPimDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the connectors (which know nothing of Spring) into the orchestrator. */
@Configuration
public class PimConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PimConfiguration.class);

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    public EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    public MfaAssertionVerifier mfaAssertionVerifier(PimProperties properties, Clock clock) {
        if (properties.mfa().jwksUri() != null && !properties.mfa().jwksUri().isBlank()) {
            log.info(
                    "MFA assertions are verified with the gateway's public keys from {} (ES256/RS256)",
                    properties.mfa().jwksUri());
            return MfaAssertionVerifier.jwks(properties.mfa().jwksUri(), clock);
        }
        String secret = properties.mfa().sharedSecret();
        if (PimProperties.Mfa.DEVELOPMENT_SECRET.equals(secret)) {
            log.warn(
                    "pim.mfa.shared-secret is the published DEVELOPMENT value (see README): anyone can sign MFA approvals. "
                            + "Set PIM_MFA_SHARED_SECRET for any shared or production use.");
        }
        return MfaAssertionVerifier.hs256(secret, clock);
    }

    @Bean
    @ConditionalOnProperty(name = "pim.mfa.dev-gateway-enabled", havingValue = "true")
    public MfaAssertionSigner mfaAssertionSigner(PimProperties properties, Clock clock) {
        return new MfaAssertionSigner(properties.mfa().sharedSecret(), clock);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "pim.simulator.enabled", havingValue = "true")
    public GraphSimulator graphSimulator(PimProperties properties) {
        GraphSimulator simulator = GraphSimulator.start(properties.simulator().port());
        log.info("Graph simulator serving the Contoso tenant at {}", simulator.baseUrl());
        return simulator;
    }

    @Bean
    public PimDirectory pimDirectory(
            PimProperties properties, ObjectProvider<GraphSimulator> simulator, MeterRegistry meterRegistry) {
        PimProperties.Graph g = properties.graph();
        String baseUrl = g.baseUrl();
        if (baseUrl == null || baseUrl.isBlank()) {
            GraphSimulator sim = simulator.getIfAvailable();
            if (sim == null) {
                throw new IllegalStateException("pim.graph.base-url is empty and the Graph simulator is disabled: set "
                        + "PIM_GRAPH_BASE_URL (e.g. https://graph.microsoft.com/v1.0) or enable pim.simulator.enabled");
            }
            baseUrl = sim.baseUrl();
        }
        GraphAuthSettings auth = new GraphAuthSettings(
                g.auth(), g.tenantId(), g.clientId(), g.clientSecret(), g.certificatePath(), g.certificatePassword());
        TokenCredential credential = GraphCredentials.create(auth, SimulatorTokenCredential::new);
        log.info("PIM calls go to {} (auth: {})", baseUrl, g.auth());
        // timed and counted by operation and Graph error code (pimflow_graph_*); its base URL feeds the graph health
        // indicator
        return new MeteredPimDirectory(
                new GraphPimClient(
                        new GraphClientSettings(
                                baseUrl, g.requestTimeout(), g.maxAttempts(), g.initialBackoff(), g.maxBackoff()),
                        credential),
                baseUrl,
                meterRegistry);
    }
}
