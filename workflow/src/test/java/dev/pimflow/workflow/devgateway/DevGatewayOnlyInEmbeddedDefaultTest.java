package dev.pimflow.workflow.devgateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Issue 17, finding 2: the development MFA gateway signs approvals on an admin's word; the production profile refuses it. */
class DevGatewayOnlyInEmbeddedDefaultTest {
    private final ApplicationContextRunner production = new ApplicationContextRunner()
            .withUserConfiguration(DevGatewayOnlyInEmbeddedDefault.class)
            .withInitializer(c -> c.getEnvironment().setActiveProfiles("production"));

    @Test
    void productionWithTheDevelopmentGatewayDoesNotStart() {
        production.withPropertyValues("pim.mfa.dev-gateway-enabled=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("pim.mfa.dev-gateway-enabled")
                    .hasMessageContaining("embedded default");
        });
    }

    @Test
    void productionWithoutItStarts() {
        production
                .withPropertyValues("pim.mfa.dev-gateway-enabled=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theEmbeddedDefaultKeepsIt() {
        new ApplicationContextRunner()
                .withUserConfiguration(DevGatewayOnlyInEmbeddedDefault.class)
                .withPropertyValues("pim.mfa.dev-gateway-enabled=true")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
