package dev.pimflow.workflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.contracts.seed.DevelopmentPagerDuty;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Issue 14: the development PagerDuty configuration ({@code pimctl demo --via pagerduty}) is the embedded default's
 * only: it is there when nothing is configured, gone once a secret is configured, absent from the production profile
 * (application-production.yaml), and refused at start with the production profile, by its switch or its secret.
 */
class DevelopmentPagerDutyOnlyInEmbeddedDefaultTest {
    private final ApplicationContextRunner production = new ApplicationContextRunner()
            .withUserConfiguration(DevelopmentPagerDutyOnlyInEmbeddedDefault.class)
            .withInitializer(c -> c.getEnvironment().setActiveProfiles("production"));

    @Test
    void theEmbeddedDefaultHasTheDevelopmentConfiguration() {
        WebhookSettings.PagerDuty pagerDuty = bind(new StandardEnvironment());

        assertThat(pagerDuty.enabled()).isTrue();
        assertThat(pagerDuty.development()).isTrue();
        assertThat(pagerDuty.secrets()).containsExactly(DevelopmentPagerDuty.SECRET);
        assertThat(pagerDuty.people())
                .containsEntry(DevelopmentPagerDuty.ALINE_USER_ID, TutorialTenant.ALINE_UPN)
                .containsEntry("PALINED", "AlineD@contoso.onmicrosoft.com");
        assertThat(pagerDuty.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.service()).isEqualTo("PCONTOSO");
            assertThat(rule.role()).isEqualTo(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID);
            assertThat(rule.scope()).isEqualTo("/");
            assertThat(rule.duration()).hasHours(5);
        });
        // flagged by name only
        assertThat(pagerDuty.toString()).contains("DEVELOPMENT").doesNotContain(DevelopmentPagerDuty.SECRET);
    }

    @Test
    void aConfiguredSecretDropsAllOfIt() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new org.springframework.core.env.MapPropertySource(
                        "test",
                        java.util.Map.of(
                                "pim.webhooks.pagerduty.secrets", "a-real-subscription-secret",
                                "pim.webhooks.pagerduty.people[PXPGF42]", "someone@contoso.example")));
        WebhookSettings.PagerDuty pagerDuty = bind(env);

        assertThat(pagerDuty.secrets()).containsExactly("a-real-subscription-secret");
        assertThat(pagerDuty.development()).isFalse();
        assertThat(pagerDuty.people()).containsOnlyKeys("PXPGF42");
        assertThat(pagerDuty.rules()).isEmpty();
    }

    @Test
    void theProductionProfileHasNoneOfIt() throws Exception {
        StandardEnvironment env = new StandardEnvironment();
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("application-production.yaml", new ClassPathResource("application-production.yaml"));
        yaml.forEach(env.getPropertySources()::addFirst);

        WebhookSettings.PagerDuty pagerDuty = bind(env);

        assertThat(pagerDuty.devDemoEnabled()).isFalse();
        assertThat(pagerDuty.enabled()).as("/webhooks/pagerduty answers 404").isFalse();
        assertThat(pagerDuty.secrets()).isEmpty();
        assertThat(pagerDuty.people()).isEmpty();
        assertThat(pagerDuty.rules()).isEmpty();
    }

    @Test
    void productionWithTheDevelopmentConfigurationDoesNotStart() {
        production
                .withPropertyValues("pim.webhooks.pagerduty.dev-demo-enabled=true")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("pim.webhooks.pagerduty.dev-demo-enabled")
                            .hasMessageContaining("embedded default")
                            .hasMessageNotContaining(DevelopmentPagerDuty.SECRET);
                });
    }

    @Test
    void productionWithTheDevelopmentSecretConfiguredByHandDoesNotStart() {
        production
                .withPropertyValues(
                        "pim.webhooks.pagerduty.dev-demo-enabled=false",
                        "pim.webhooks.pagerduty.secrets=" + DevelopmentPagerDuty.SECRET)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("pim.webhooks.pagerduty.secrets")
                            .hasMessageContaining("development secret")
                            .hasMessageNotContaining(DevelopmentPagerDuty.SECRET);
                });
    }

    @Test
    void productionWithoutItStarts() {
        production
                .withPropertyValues(
                        "pim.webhooks.pagerduty.dev-demo-enabled=false",
                        "pim.webhooks.pagerduty.secrets=a-real-subscription-secret")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theEmbeddedDefaultStartsWithIt() {
        new ApplicationContextRunner()
                .withUserConfiguration(DevelopmentPagerDutyOnlyInEmbeddedDefault.class)
                .run(context -> assertThat(context).hasNotFailed());
    }

    private static WebhookSettings.PagerDuty bind(StandardEnvironment env) {
        return Binder.get(env).bindOrCreate("pim.webhooks.pagerduty", WebhookSettings.PagerDuty.class);
    }
}
