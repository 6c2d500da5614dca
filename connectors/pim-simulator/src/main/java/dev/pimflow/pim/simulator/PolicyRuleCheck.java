package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.RoleSchedules.Action;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import dev.pimflow.pim.simulator.TenantState.Policy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A schedule request against its role's policy rules (step 4 of a {@link ScheduleRequestSubmission}): the
 * Expiration and Enablement rules, whose failures Graph reports together by rule name, and the authentication
 * context an activation may need.
 */
final class PolicyRuleCheck {

    /** Slack for requests whose start is normalised to the processing time a moment after the caller computed it. */
    private static final Duration EXPIRATION_GRACE = Duration.ofMinutes(1);

    private PolicyRuleCheck() {}

    static boolean evaluatesRules(Action action) {
        return action == Action.ADMIN_ASSIGN
                || action == Action.ADMIN_UPDATE
                || action == Action.ADMIN_EXTEND
                || action == Action.SELF_ACTIVATE;
    }

    /** The names of the rules the request fails ({@code ExpirationRule}, then the Enablement rules), in order. */
    static List<String> failedRules(
            Policy policy,
            Kind kind,
            Action action,
            ScheduleWindow window,
            Caller caller,
            String justification,
            String ticketNumber) {
        String callerKind = action.self ? "EndUser" : "Admin";
        String level = kind == Kind.ELIGIBILITY ? "Eligibility" : "Assignment";
        ObjectNode expirationRule = policy.rules.get("Expiration_" + callerKind + "_" + level);
        ObjectNode enablementRule = policy.rules.get("Enablement_" + callerKind + "_" + level);
        List<String> failed = new ArrayList<>();
        if (expirationRule != null && failsExpiration(expirationRule, window)) {
            failed.add("ExpirationRule");
        }
        if (enablementRule != null) {
            JsonNode enabled = enablementRule.get("enabledRules");
            if (Json.containsIgnoreCase(enabled, "MultiFactorAuthentication")
                    && (caller.appOnly() || !caller.hasMfa())) {
                failed.add("MfaRule");
            }
            if (Json.containsIgnoreCase(enabled, "Justification") && isBlank(justification)) {
                failed.add("JustificationRule");
            }
            if (Json.containsIgnoreCase(enabled, "Ticketing") && isBlank(ticketNumber)) {
                failed.add("TicketingRule");
            }
        }
        return failed;
    }

    private static boolean failsExpiration(ObjectNode expirationRule, ScheduleWindow window) {
        boolean required = Json.bool(expirationRule, "isExpirationRequired", false);
        Duration max = EdmLiterals.duration(Json.text(expirationRule, "maximumDuration"));
        boolean tooLong = window.end() != null
                && max != null
                && Duration.between(window.start(), window.end()).compareTo(max.plus(EXPIRATION_GRACE)) > 0;
        return (window.end() == null && required) || tooLong;
    }

    /** An activation needs the authentication context (acrs claim) its policy names, if the rule is enabled. */
    static void requireAuthenticationContext(Policy policy, Caller caller) {
        ObjectNode acrs = policy.rules.get("AuthenticationContext_EndUser_Assignment");
        String claim = acrs == null ? null : Json.text(acrs, "claimValue");
        if (acrs != null
                && Json.bool(acrs, "isEnabled", false)
                && claim != null
                && caller.acrs().stream().noneMatch(claim::equalsIgnoreCase)) {
            String challenge = "{\"access_token\":{\"acrs\":{\"essential\":true, \"value\":\"" + claim + "\"}}}";
            throw GraphError.badRequest(
                    "RoleAssignmentRequestAcrsValidationFailed",
                    "&claims="
                            + URLEncoder.encode(challenge, StandardCharsets.UTF_8)
                                    .replace("+", "%20"));
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
