package dev.pimflow.contracts.seed;

import java.time.Duration;
import java.util.Map;

/**
 * The development PagerDuty configuration of the embedded default ({@code pim.webhooks.pagerduty.dev-demo-enabled}),
 * with which {@code pimctl demo --via pagerduty} tells the tutorial's story as PagerDuty incidents: a published
 * signing secret, a demo service whose acknowledging user is asked User Administrator for five hours, and a PagerDuty
 * user id for Aline. Demo data, like {@link TutorialTenant}: the production profile refuses it, and the orchestrator
 * drops it as soon as a real subscription's secret is configured.
 */
public final class DevelopmentPagerDuty {

    /**
     * The published signing secret of the development configuration: public by design, so that the demo works with
     * nothing to configure; the orchestrator flags it at start (by name, never its value).
     */
    public static final String SECRET = "pimflow-development-pagerduty-secret-not-for-production";

    /** The demo's PagerDuty service: its rule asks User Administrator for whoever acknowledges one of its incidents. */
    public static final String SERVICE_ID = "PCONTOSO";

    public static final String SERVICE_NAME = "Contoso Security";

    /** Aline Dupuy's PagerDuty user id in the demo. */
    public static final String ALINE_USER_ID = "PALINED";

    /** What the demo service's rule asks for: User Administrator, at the directory's root, for five hours. */
    public static final String ROLE = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;

    public static final Duration DURATION = Duration.ofHours(5);

    /** PagerDuty user id → user principal name of the tenant's user. */
    public static final Map<String, String> PEOPLE = Map.of(ALINE_USER_ID, TutorialTenant.ALINE_UPN);

    private DevelopmentPagerDuty() {}
}
