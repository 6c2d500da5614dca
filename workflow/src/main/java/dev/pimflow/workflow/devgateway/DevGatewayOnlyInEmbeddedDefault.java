package dev.pimflow.workflow.devgateway;

import dev.pimflow.workflow.config.PimProperties;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The development MFA gateway signs an approval for anyone an admin names: it exists for the embedded default's trial
 * and is refused with the production profile, whatever {@code pim.mfa.dev-gateway-enabled} says.
 */
@Component
@Profile("production")
class DevGatewayOnlyInEmbeddedDefault implements InitializingBean {
    private final Environment env;

    DevGatewayOnlyInEmbeddedDefault(Environment env) {
        this.env = env;
    }

    @Override
    public void afterPropertiesSet() {
        if (Binder.get(env).bindOrCreate("pim.mfa", PimProperties.Mfa.class).devGatewayEnabled()) {
            throw new IllegalStateException(
                    "pim.mfa.dev-gateway-enabled (PIM_MFA_DEV_GATEWAY_ENABLED): the development MFA "
                            + "gateway signs approvals on an admin's word and runs only in the embedded default, not with the "
                            + "production profile; set it to false and connect a real MFA gateway");
        }
    }
}
