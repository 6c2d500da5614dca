package dev.pimflow.workflow.config;

import dev.pimflow.contracts.EventCodec;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.mfa.MfaAssertionVerifier;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the connectors (which know nothing of Spring) into the orchestrator: the clock, the event codec and the MFA
 * assertion verifier (and signer). The PIM directory is wired by {@code directory.DirectoryConfiguration}.
 */
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
        if (MfaAssertionSigner.DEVELOPMENT_SECRET.equals(secret)) {
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
}
