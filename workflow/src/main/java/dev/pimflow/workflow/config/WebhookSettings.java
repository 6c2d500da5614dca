package dev.pimflow.workflow.config;

import dev.pimflow.contracts.seed.DevelopmentPagerDuty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code pim.webhooks.*}: the ticket systems' own webhooks (DESIGN §9.2), {@code POST /webhooks/<system>}, each off
 * (404) until its secret is set. A body larger than {@code maxBodySize} is refused (413); the events a webhook yields
 * must be acknowledged by Kafka within {@code publishTimeout} (below PagerDuty's 5 s) or the answer is 503 and the
 * vendor retries; a vendor timestamp more than {@code clockSkew} in the future is refused like one older than the
 * vendor's {@code replayWindow}. Part of {@link PimProperties}.
 */
public record WebhookSettings(
        @DefaultValue("256KB") DataSize maxBodySize,
        @DefaultValue("PT4S") Duration publishTimeout,
        @DefaultValue("PT1M") Duration clockSkew,
        @DefaultValue PagerDuty pagerduty,
        @DefaultValue Jira jira,
        @DefaultValue ServiceNow servicenow) {

    public WebhookSettings {
        positive(publishTimeout, "pim.webhooks.publish-timeout");
        if (clockSkew == null || clockSkew.isNegative()) {
            throw new IllegalArgumentException("pim.webhooks.clock-skew must be zero or positive, got " + clockSkew);
        }
        if (maxBodySize == null || maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > 16L * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "pim.webhooks.max-body-size must be between 1KB and 16MB, got " + maxBodySize);
        }
    }

    /**
     * PagerDuty V3 webhook subscriptions. {@code secrets}: the subscription's signing secret, two while rotating.
     * {@code people}: PagerDuty user id → the person's user principal name, e-mail or Entra object id (V3 payloads name
     * users only by PagerDuty id and display name). {@code rules}: who acknowledges an incident of a service may ask
     * for a role.
     *
     * <p>{@code devDemoEnabled} (the embedded default; false with the production profile, which refuses true): while no
     * secret is configured, the development configuration of {@link DevelopmentPagerDuty} is in effect, so that
     * {@code pimctl demo --via pagerduty} works with nothing to configure: its published secret, its demo people and
     * rule added to any configured. Configuring a secret drops all of it.
     */
    public record PagerDuty(
            List<String> secrets,
            @DefaultValue("PagerDuty") String ticketSystem,
            @DefaultValue("PT30M") Duration replayWindow,
            Map<String, String> people,
            List<PagerDutyRule> rules,
            @DefaultValue("true") boolean devDemoEnabled) {
        public PagerDuty {
            secrets = nonBlank(secrets);
            people = people == null ? Map.of() : Map.copyOf(people);
            rules = rules == null ? List.of() : List.copyOf(rules);
            if (devDemoEnabled && secrets.isEmpty()) {
                secrets = List.of(DevelopmentPagerDuty.SECRET);
                Map<String, String> withDemo = new LinkedHashMap<>(DevelopmentPagerDuty.PEOPLE);
                withDemo.putAll(people); // a configured mapping of the same PagerDuty id wins
                people = Map.copyOf(withDemo);
                List<PagerDutyRule> withRule = new ArrayList<>(rules);
                withRule.add(new PagerDutyRule(
                        DevelopmentPagerDuty.SERVICE_ID,
                        DevelopmentPagerDuty.ROLE,
                        null,
                        DevelopmentPagerDuty.DURATION,
                        null));
                rules = List.copyOf(withRule);
            }
            positive(replayWindow, "pim.webhooks.pagerduty.replay-window");
            for (int i = 0; i < rules.size(); i++) {
                rules.get(i).check("pim.webhooks.pagerduty.rules[" + i + "]");
            }
        }

        public boolean enabled() {
            return !secrets.isEmpty();
        }

        /** Whether the development configuration is in effect (its published secret is accepted). */
        public boolean development() {
            return secrets.contains(DevelopmentPagerDuty.SECRET);
        }

        @Override
        public String toString() {
            return "PagerDuty[secrets="
                    + (development()
                            ? "(the DEVELOPMENT secret: pim.webhooks.pagerduty.dev-demo-enabled)"
                            : masked(secrets))
                    + ", ticketSystem=" + ticketSystem + ", replayWindow=" + replayWindow + ", people="
                    + people.size() + " mapped, rules=" + rules + "]";
        }
    }

    /**
     * "Whoever acknowledges an incident of {@code service} may activate {@code role} (a role definition id) at
     * {@code scope} for {@code duration}", with a justification from {@code justification}: {@code {number}},
     * {@code {title}}, {@code {service}} and {@code {id}} are replaced by the incident's.
     */
    public record PagerDutyRule(
            String service,
            String role,
            @DefaultValue("/") String scope,
            @DefaultValue("PT1H") Duration duration,

            @DefaultValue("PagerDuty incident {number}: {title}")
            String justification) {
        public PagerDutyRule {
            scope = scope == null ? "/" : scope;
            duration = duration == null ? Duration.ofHours(1) : duration;
            justification = justification == null ? "PagerDuty incident {number}: {title}" : justification;
        }

        void check(String name) {
            if (service == null || service.isBlank()) {
                throw new IllegalArgumentException(
                        name + ".service is required (a PagerDuty service id, e.g. PF9KMXH)");
            }
            if (role == null || !role.matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")) {
                throw new IllegalArgumentException(
                        name + ".role must be a role definition id (a GUID), got '" + role + "'");
            }
            positive(duration, name + ".duration");
        }
    }

    /**
     * Jira Cloud / Jira Service Management admin webhooks with a secret. {@code roleField}, {@code principalField},
     * {@code durationField}: the custom fields (e.g. {@code customfield_10050}) whose values, all three set, ask for
     * an activation; {@code closedCategories}: the status category keys that mean closed; {@code people}: Jira account
     * id → user principal name, e-mail or Entra object id, for people whose e-mail Jira does not show.
     */
    public record Jira(
            List<String> secrets,
            @DefaultValue("Jira") String ticketSystem,
            @DefaultValue("PT30M") Duration replayWindow,
            @DefaultValue("") String roleField,
            @DefaultValue("") String principalField,
            @DefaultValue("") String durationField,
            @DefaultValue("/") String scope,
            @DefaultValue("Jira issue {key}: {summary}") String justification,
            @DefaultValue("done") List<String> closedCategories,
            Map<String, String> people) {
        public Jira {
            secrets = nonBlank(secrets);
            people = people == null ? Map.of() : Map.copyOf(people);
            closedCategories = closedCategories == null ? List.of("done") : List.copyOf(closedCategories);
            positive(replayWindow, "pim.webhooks.jira.replay-window");
        }

        public boolean enabled() {
            return !secrets.isEmpty();
        }

        /** Whether the custom fields that ask for an activation are configured. */
        public boolean requestsActivations() {
            return !roleField.isBlank() && !principalField.isBlank() && !durationField.isBlank();
        }

        @Override
        public String toString() {
            return "Jira[secrets=" + masked(secrets) + ", ticketSystem=" + ticketSystem + ", replayWindow="
                    + replayWindow + ", roleField=" + roleField + ", principalField=" + principalField
                    + ", durationField=" + durationField + ", closedCategories=" + closedCategories + ", people="
                    + people.size() + " mapped]";
        }
    }

    /**
     * ServiceNow: an outbound REST message from a business rule on {@code incident} (README), signed with the shared
     * secret. The field names are those the business rule sends; {@code closedStates}: the {@code state} values that
     * mean resolved or closed.
     */
    public record ServiceNow(
            List<String> secrets,
            @DefaultValue("ServiceNow") String ticketSystem,
            @DefaultValue("PT5M") Duration replayWindow,
            @DefaultValue("number") String numberField,
            @DefaultValue("state") String stateField,
            @DefaultValue("assigned_to") String assigneeField,
            @DefaultValue("u_pim_role") String roleField,
            @DefaultValue("u_pim_principal") String principalField,
            @DefaultValue("u_pim_duration") String durationField,
            @DefaultValue({"6", "7"}) List<String> closedStates,
            @DefaultValue("/") String scope,

            @DefaultValue("ServiceNow incident {number}: {short_description}")
            String justification) {
        public ServiceNow {
            secrets = nonBlank(secrets);
            closedStates = closedStates == null ? List.of("6", "7") : List.copyOf(closedStates);
            positive(replayWindow, "pim.webhooks.servicenow.replay-window");
        }

        public boolean enabled() {
            return !secrets.isEmpty();
        }

        @Override
        public String toString() {
            return "ServiceNow[secrets=" + masked(secrets) + ", ticketSystem=" + ticketSystem + ", replayWindow="
                    + replayWindow + ", numberField=" + numberField + ", stateField=" + stateField
                    + ", assigneeField=" + assigneeField + ", roleField=" + roleField + ", principalField="
                    + principalField + ", durationField=" + durationField + ", closedStates=" + closedStates + "]";
        }
    }

    private static List<String> nonBlank(List<String> secrets) {
        return secrets == null
                ? List.of()
                : secrets.stream().filter(s -> s != null && !s.isBlank()).toList();
    }

    private static String masked(List<String> secrets) {
        return secrets.isEmpty() ? "(none: endpoint off)" : secrets.size() + " x ***";
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }
}
