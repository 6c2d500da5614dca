package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The 17 rules of a directory role's management policy, with the defaults of the spec (section 5.2). */
final class PolicyRules {

    static final String EXPIRATION = "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule";
    static final String ENABLEMENT = "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule";
    static final String APPROVAL = "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule";
    static final String AUTH_CONTEXT = "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule";
    static final String NOTIFICATION = "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule";

    private PolicyRules() {}

    /** Rule id to rule, in Graph's order. */
    static Map<String, ObjectNode> defaults() {
        Map<String, ObjectNode> rules = new LinkedHashMap<>();
        put(rules, expiration("Expiration_Admin_Eligibility", "Admin", "Eligibility", false, "P365D"));
        put(rules, enablement("Enablement_Admin_Eligibility", "Admin", "Eligibility"));
        put(rules, expiration("Expiration_Admin_Assignment", "Admin", "Assignment", false, "P180D"));
        put(rules, enablement("Enablement_Admin_Assignment", "Admin", "Assignment", "Justification"));
        put(rules, expiration("Expiration_EndUser_Assignment", "EndUser", "Assignment", true, "PT8H"));
        put(
                rules,
                enablement(
                        "Enablement_EndUser_Assignment",
                        "EndUser",
                        "Assignment",
                        "MultiFactorAuthentication",
                        "Justification"));
        put(rules, approval());
        put(rules, authenticationContext());
        for (String level : List.of("Admin_Eligibility", "Admin_Assignment", "EndUser_Assignment")) {
            for (String recipient : List.of("Admin", "Requestor", "Approver")) {
                put(rules, notification(recipient, level));
            }
        }
        return rules;
    }

    private static void put(Map<String, ObjectNode> rules, ObjectNode rule) {
        rules.put(rule.get("id").asText(), rule);
    }

    static ObjectNode target(String caller, String level) {
        ObjectNode t = Json.obj();
        t.put("caller", caller);
        t.putArray("operations").add("all");
        t.put("level", level);
        t.putArray("inheritableSettings");
        t.putArray("enforcedSettings");
        return t;
    }

    private static ObjectNode rule(String type, String id) {
        ObjectNode r = Json.obj();
        r.put("@odata.type", type);
        r.put("id", id);
        return r;
    }

    static ObjectNode expiration(String id, String caller, String level, boolean required, String max) {
        ObjectNode r = rule(EXPIRATION, id);
        r.put("isExpirationRequired", required);
        r.put("maximumDuration", max);
        r.set("target", target(caller, level));
        return r;
    }

    static ObjectNode enablement(String id, String caller, String level, String... enabled) {
        ObjectNode r = rule(ENABLEMENT, id);
        ArrayNode a = r.putArray("enabledRules");
        for (String e : enabled) {
            a.add(e);
        }
        r.set("target", target(caller, level));
        return r;
    }

    private static ObjectNode approval() {
        ObjectNode r = rule(APPROVAL, "Approval_EndUser_Assignment");
        r.set("target", target("EndUser", "Assignment"));
        ObjectNode s = r.putObject("setting");
        s.put("isApprovalRequired", false);
        s.put("isApprovalRequiredForExtension", false);
        s.put("isRequestorJustificationRequired", true);
        s.put("approvalMode", "SingleStage");
        ObjectNode stage = s.putArray("approvalStages").addObject();
        stage.put("approvalStageTimeOutInDays", 1);
        stage.put("isApproverJustificationRequired", true);
        stage.put("escalationTimeInMinutes", 0);
        stage.put("isEscalationEnabled", false);
        stage.putArray("primaryApprovers");
        stage.putArray("escalationApprovers");
        return r;
    }

    private static ObjectNode authenticationContext() {
        ObjectNode r = rule(AUTH_CONTEXT, "AuthenticationContext_EndUser_Assignment");
        r.put("isEnabled", false);
        r.putNull("claimValue");
        r.set("target", target("EndUser", "Assignment"));
        return r;
    }

    private static ObjectNode notification(String recipient, String callerAndLevel) {
        String[] parts = callerAndLevel.split("_");
        ObjectNode r = rule(NOTIFICATION, "Notification_" + recipient + "_" + callerAndLevel);
        r.put("notificationType", "Email");
        r.put("recipientType", recipient);
        r.put("notificationLevel", "All");
        r.put("isDefaultRecipientsEnabled", true);
        r.putArray("notificationRecipients");
        r.set("target", target(parts[0], parts[1]));
        return r;
    }
}
