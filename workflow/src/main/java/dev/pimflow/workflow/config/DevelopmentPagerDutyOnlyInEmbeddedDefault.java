package dev.pimflow.workflow.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The development PagerDuty configuration ({@code pim.webhooks.pagerduty.dev-demo-enabled}, for {@code pimctl demo
 * --via pagerduty}) accepts webhooks signed with a published secret: it is flagged at start in the embedded default, and
 * refused with the production profile, whatever the settings say, as is its secret configured by hand. Neither the
 * flag nor the refusal names the secret's value.
 */
@Component
class DevelopmentPagerDutyOnlyInEmbeddedDefault implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(DevelopmentPagerDutyOnlyInEmbeddedDefault.class);

    private final Environment env;

    DevelopmentPagerDutyOnlyInEmbeddedDefault(Environment env) {
        this.env = env;
    }

    @Override
    public void afterPropertiesSet() {
        WebhookSettings.PagerDuty pagerDuty =
                Binder.get(env).bindOrCreate("pim.webhooks.pagerduty", WebhookSettings.PagerDuty.class);
        if (env.acceptsProfiles(Profiles.of("production"))) {
            if (pagerDuty.devDemoEnabled()) {
                throw new IllegalStateException(
                        "pim.webhooks.pagerduty.dev-demo-enabled (PIM_WEBHOOKS_PAGERDUTY_DEV_DEMO_ENABLED): the "
                                + "development PagerDuty configuration accepts webhooks signed with a published secret "
                                + "and runs only in the embedded default, not with the production profile; set it to "
                                + "false and configure your subscription's pim.webhooks.pagerduty.secrets");
            }
            if (pagerDuty.development()) {
                throw new IllegalStateException(
                        "pim.webhooks.pagerduty.secrets (PIM_WEBHOOKS_PAGERDUTY_SECRETS) holds the published "
                                + "development secret, refused with the production profile: configure your PagerDuty "
                                + "subscription's signing secret");
            }
            return;
        }
        if (pagerDuty.development()) {
            log.warn("pim.webhooks.pagerduty: the DEVELOPMENT configuration is in effect (dev-demo-enabled, no secret "
                    + "configured): /webhooks/pagerduty accepts webhooks signed with the published development secret "
                    + "(see README), for 'pimctl demo --via pagerduty'. Configure pim.webhooks.pagerduty.secrets, or "
                    + "set dev-demo-enabled to false, for any shared use.");
        }
    }
}
