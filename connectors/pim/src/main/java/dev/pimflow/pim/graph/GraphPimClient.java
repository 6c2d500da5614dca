package dev.pimflow.pim.graph;

import static dev.pimflow.pim.graph.GraphJson.bool;
import static dev.pimflow.pim.graph.GraphJson.contains;
import static dev.pimflow.pim.graph.GraphJson.duration;
import static dev.pimflow.pim.graph.GraphJson.field;
import static dev.pimflow.pim.graph.GraphJson.text;
import static dev.pimflow.pim.graph.GraphJson.time;

import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.ActiveRoleAssignment;
import dev.pimflow.pim.ApprovalRule;
import dev.pimflow.pim.ApprovalStage;
import dev.pimflow.pim.Approver;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.ExtensionRequest;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.Removal;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.pim.RoleDefinition;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PimDirectory} over Microsoft Graph v1.0 (or the {@code GraphSimulator}), with an app-only token (a
 * self-activation: the person's delegated one, for that one request).
 *
 * <p>Activation is an {@code adminAssign} of a time-bound active assignment ({@link #assign}): a daemon has no user
 * session to satisfy MFA, so the orchestrator does the MFA step-up itself (DESIGN 5). Where the person signs in to the
 * organization's identity provider to confirm (DESIGN 9.1, {@code pim.activation.mode=self-activate}), it is their own
 * {@code selfActivate} instead ({@link #selfActivate}), sent with the delegated token that sign-in obtained.
 *
 * <p>Every failure is a {@link PimException}: DENY for policy, eligibility and subject problems; RETRY for
 * throttling, 5xx, timeouts and connection failures (429/503/504 and transport failures are first retried
 * in-call, honouring {@code Retry-After}); INCIDENT for everything else. Tokens never reach the log.
 *
 * <p>A {@code Retry-After} holds back every call of the node, not only the one that received it ({@link GraphThrottle}).
 */
public final class GraphPimClient implements PimDirectory {

    public static final String DEFAULT_SCOPE = "https://graph.microsoft.com/.default";

    private static final Logger log = LoggerFactory.getLogger(GraphPimClient.class);

    private static final String RM = "/roleManagement/directory/";
    /** The actions an activation is sent with ({@code pim.activation.mode}), lower case: what a retry may adopt. */
    private static final Set<String> ACTIVATION_ACTIONS = Set.of("adminassign", "selfactivate");

    /** An Entra object id: the form in which a ticket system's name for a person is looked up as an id. */
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Who decides when an approval stage names no approver: PIM asks the active holders of these roles. */
    static final String PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814";

    static final String GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";

    private static final String PENDING_APPROVAL = Assignment.PENDING_APPROVAL;

    private static final Set<String> SUCCESS_STATUSES =
            Set.of("provisioned", "granted", "pendingprovisioning", "pendingschedulecreation", "schedulecreated");

    private final GraphHttp graph;
    private final GraphThrottle throttle;

    /** A client with a throttle of its own: make it the node's only client, or share one {@link GraphThrottle}. */
    public GraphPimClient(GraphClientSettings settings, TokenCredential credential) {
        this(settings, credential, DEFAULT_SCOPE);
    }

    public GraphPimClient(GraphClientSettings settings, TokenCredential credential, String scope) {
        this(settings, credential, scope, new GraphThrottle());
    }

    /** @param throttle the node's one view of Graph's {@code Retry-After}, shared by every client of the node */
    public GraphPimClient(
            GraphClientSettings settings, TokenCredential credential, String scope, GraphThrottle throttle) {
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.graph = new GraphHttp(
                Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(credential, "credential"),
                scope == null || scope.isBlank() ? DEFAULT_SCOPE : scope,
                throttle);
    }

    /** Until when Graph told this node to wait (429 or 503 with {@code Retry-After}), if that is still ahead. */
    public Optional<Instant> throttledUntil() {
        return throttle.throttledUntil();
    }

    /** The node's throttle: when Graph said wait, and how long calls have waited for it. */
    public GraphThrottle throttle() {
        return throttle;
    }

    /** The justification suffix that makes an assignment recognisable as this activation's. */
    public static String activationMarker(String activationId) {
        return " [pimflow activation " + activationId + "]";
    }

    /**
     * The justification suffix that makes an extension recognisable as this activation's {@code round}th: not the
     * activation's own marker (it does not contain it), so adopting an activation never finds an extension.
     */
    public static String extensionMarker(String activationId, int round) {
        return " [pimflow activation " + activationId + " extension " + round + "]";
    }

    // ------------------------------------------------------------------ PimDirectory

    @Override
    public RoleDefinition roleDefinition(String roleDefinitionId) {
        requireText(roleDefinitionId, "roleDefinitionId");
        try {
            JsonNode r = graph.call("GET", RM + "roleDefinitions/" + segment(roleDefinitionId), null);
            return new RoleDefinition(text(r, "id"), text(r, "displayName"));
        } catch (PimException e) {
            if (e.httpStatus() == 404) {
                throw new PimException(
                        Kind.DENY,
                        "RoleNotFound",
                        "RoleNotFound: no role definition " + roleDefinitionId,
                        404,
                        null,
                        e);
            }
            throw e;
        }
    }

    /**
     * One read, {@code GET /users/{id}/transitiveMemberOf?$select=id&$top=1}: Graph answers 404 for a user it does not
     * know, the permission is the one the eligibility walk already needs ({@code GroupMember.Read.All}), and it costs the
     * least a read can (1 resource unit: 2 for {@code transitiveMemberOf}, -1 for {@code $select}, -1 for {@code $top}
     * under 20). {@code GET /users/{id}?$select=id} ({@link #userObjectId}) would say the same at the same cost, but on
     * {@code User.ReadBasic.All}: this way the check needs nothing the eligibility walk does not.
     */
    @Override
    public void requirePrincipal(String principalId) {
        requireText(principalId, "principalId");
        try {
            graph.call("GET", "/users/" + segment(principalId) + "/transitiveMemberOf?$select=id&$top=1", null);
        } catch (PimException e) {
            throw subjectNotFoundOr(e, principalId);
        }
    }

    /**
     * One read for an object id ({@code GET /users/{id}?$select=id}) or a user principal name ({@code GET
     * /users/{upn}?$select=id}); a name with {@code @} that is no user principal name costs a second, by {@code mail}
     * ({@code GET /users?$filter=mail eq '…'&$select=id&$top=2}: two answers are enough to know it is ambiguous). The
     * name goes into the path URL-encoded and into the filter as an OData string literal (quotes doubled), so it can
     * never become part of the query. Needs {@code User.ReadBasic.All} (id, mail and user principal name are basic
     * profile properties).
     */
    @Override
    public Optional<String> userObjectId(String person) {
        String name = person == null ? "" : person.trim();
        if (GUID.matcher(name).matches()) {
            return userById(name);
        }
        if (name.indexOf('@') < 0) {
            return Optional.empty(); // neither an object id nor a user principal name or address: nothing to ask
        }
        Optional<String> byPrincipalName = userById(name);
        return byPrincipalName.isPresent() ? byPrincipalName : userByMail(name);
    }

    /** {@code GET /users/{id | userPrincipalName}?$select=id}; 404 is empty. */
    private Optional<String> userById(String idOrPrincipalName) {
        JsonNode user;
        try {
            user = graph.call("GET", "/users/" + segment(idOrPrincipalName) + "?$select=id", null);
        } catch (PimException e) {
            if (e.httpStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(objectId(user, "GET /users/{id}"));
    }

    /** The one user whose {@code mail} this is; none, or more than one, is empty. */
    private Optional<String> userByMail(String mail) {
        String filter = "mail eq " + quote(mail);
        JsonNode page = graph.call("GET", "/users?$filter=" + encode(filter) + "&$select=id&$top=2", null);
        JsonNode value = field(page, "value");
        if (value == null || !value.isArray()) {
            throw new PimException(
                    Kind.INCIDENT, "UnparsableResponse", "UnparsableResponse: no 'value' array from GET /users");
        }
        if (value.size() > 1) {
            log.warn(
                    "More than one user in the directory has the mail address {}: it names no one, so it is treated as"
                            + " unknown; name the person by user principal name or object id",
                    mail);
            return Optional.empty();
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(objectId(value.get(0), "GET /users?$filter"));
    }

    private static String objectId(JsonNode user, String from) {
        String id = text(user, "id");
        if (id == null || id.isBlank()) {
            throw new PimException(
                    Kind.INCIDENT, "UnparsableResponse", "UnparsableResponse: a user without 'id' from " + from);
        }
        return id;
    }

    /**
     * The principal's own eligibility first (one read), and only when it has none the groups it is a transitive member
     * of (one read, more for more than a page of them) and each role-assignable group's eligibility until one covers the
     * role (one read each). {@code transitiveMemberOf} is also where an unknown principal shows (404, {@code
     * SubjectNotFound}): a principal with no eligibility of its own always gets there. One Graph lists an eligibility
     * for is taken to exist (were it deleted after all, the {@code adminAssign} is what Graph would refuse).
     */
    @Override
    public Eligibility eligibility(String principalId, String roleDefinitionId, String directoryScopeId) {
        requireText(principalId, "principalId");
        requireText(roleDefinitionId, "roleDefinitionId");
        String scope = scopeOrRoot(directoryScopeId);
        if (eligibleAt(principalId, roleDefinitionId, scope)) {
            return new Eligibility(true, Eligibility.DIRECT, null);
        }
        List<JsonNode> memberOf;
        try {
            memberOf = graph.list("/users/" + segment(principalId) + "/transitiveMemberOf");
        } catch (PimException e) {
            throw subjectNotFoundOr(e, principalId);
        }
        for (JsonNode item : memberOf) {
            if (!"#microsoft.graph.group".equalsIgnoreCase(text(item, "@odata.type"))) {
                continue; // directory roles and administrative units also show up here
            }
            JsonNode assignable = field(item, "isAssignableToRole");
            if (assignable != null && assignable.isBoolean() && !assignable.asBoolean()) {
                continue; // only role-assignable groups can hold directory roles
            }
            String groupId = text(item, "id");
            if (groupId != null && eligibleAt(groupId, roleDefinitionId, scope)) {
                return new Eligibility(true, groupId, text(item, "displayName"));
            }
        }
        return Eligibility.notEligible();
    }

    /** A 404 on the user is {@code SubjectNotFound} (DENY); anything else as it came. */
    private static PimException subjectNotFoundOr(PimException e, String principalId) {
        if (e.httpStatus() == 404) {
            return new PimException(
                    Kind.DENY, "SubjectNotFound", "SubjectNotFound: no user " + principalId, 404, null, e);
        }
        return e;
    }

    private boolean eligibleAt(String principalId, String roleDefinitionId, String scope) {
        String filter = "principalId eq " + quote(principalId) + " and roleDefinitionId eq " + quote(roleDefinitionId);
        Instant now = Instant.now();
        for (JsonNode instance : graph.list(RM + "roleEligibilityScheduleInstances?$filter=" + encode(filter))) {
            Instant start = time(text(instance, "startDateTime"));
            Instant end = time(text(instance, "endDateTime"));
            boolean current = (start == null || !start.isAfter(now)) && (end == null || end.isAfter(now));
            if (current && covers(text(instance, "directoryScopeId"), scope)) {
                return true;
            }
        }
        return false;
    }

    /** Tenant-wide eligibility covers every scope; otherwise the scopes must be the same. */
    private static boolean covers(String eligibleScope, String requestedScope) {
        return "/".equals(eligibleScope) || (eligibleScope != null && eligibleScope.equalsIgnoreCase(requestedScope));
    }

    @Override
    public ActivationPolicy activationPolicy(String roleDefinitionId) {
        requireText(roleDefinitionId, "roleDefinitionId");
        String filter =
                "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq " + quote(roleDefinitionId);
        List<JsonNode> assignments = graph.list("/policies/roleManagementPolicyAssignments?$filter=" + encode(filter)
                + "&$expand=" + encode("policy($expand=rules)"));
        if (assignments.isEmpty()) {
            throw new PimException(Kind.DENY, "RoleNotFound", "RoleNotFound: no policy for role " + roleDefinitionId);
        }
        JsonNode rules = field(field(assignments.get(0), "policy"), "rules");
        JsonNode expiration = rule(rules, "Expiration_EndUser_Assignment");
        JsonNode enablement = rule(rules, "Enablement_EndUser_Assignment");
        JsonNode enabled = field(enablement, "enabledRules");
        Duration max;
        try {
            max = duration(text(expiration, "maximumDuration"));
        } catch (DateTimeParseException e) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnparsableResponse",
                    "Unparsable maximumDuration '" + text(expiration, "maximumDuration") + "' for role "
                            + roleDefinitionId,
                    0,
                    null,
                    e);
        }
        // An authentication-context requirement is a stronger MFA: the orchestrator's MFA step stands in for both.
        JsonNode authContext = optionalRule(rules, "AuthenticationContext_EndUser_Assignment");
        boolean mfa = contains(enabled, "MultiFactorAuthentication") || bool(authContext, "isEnabled");
        // ...and a sign-in for a self-activation asks for it by name (the acrs claim), so the name is kept
        String claimValue = bool(authContext, "isEnabled") ? text(authContext, "claimValue") : null;
        // An approval the tenant requires is asked by the workflow itself (an adminAssign would bypass PIM's own).
        ApprovalRule approval = approvalRule(optionalRule(rules, "Approval_EndUser_Assignment"), roleDefinitionId);
        return new ActivationPolicy(
                max,
                bool(expiration, "isExpirationRequired"),
                contains(enabled, "Justification"),
                contains(enabled, "Ticketing"),
                mfa,
                claimValue == null || claimValue.isBlank() ? null : claimValue,
                approval);
    }

    /**
     * The {@code Approval_EndUser_Assignment} rule's {@code setting} (approvalSettings, spec 5.3): {@link
     * ApprovalRule#none()} when it asks approval neither to activate nor to extend (its stages are then not read: an
     * unused stage never stops an activation). An approval without a stage, a stage without {@code
     * approvalStageTimeOutInDays}, or an approver pimflow cannot name (a subject set other than {@code singleUser} and
     * {@code groupMembers}, e.g. {@code requestorManager}) is an INCIDENT: a human fixes the role settings, pimflow never
     * drops an approver silently.
     *
     * <p>{@code SingleStage} is its first stage. {@code Serial} and {@code Parallel} keep their stages as given; pimflow
     * asks them in that order either way, so for {@code Parallel} that is a guess at what PIM means (its documentation
     * does not say how parallel stages combine), and a limitation: a later stage waits for the earlier.
     */
    private static ApprovalRule approvalRule(JsonNode rule, String roleDefinitionId) {
        JsonNode setting = field(rule, "setting");
        boolean required = bool(setting, "isApprovalRequired");
        boolean forExtension = bool(setting, "isApprovalRequiredForExtension");
        if (!required && !forExtension) {
            return ApprovalRule.none();
        }
        String mode = text(setting, "approvalMode");
        JsonNode stages = field(setting, "approvalStages");
        List<ApprovalStage> parsed = new ArrayList<>();
        if (stages != null && stages.isArray()) {
            for (JsonNode stage : stages) {
                parsed.add(approvalStage(stage, roleDefinitionId, parsed.size() + 1));
                if ("SingleStage".equalsIgnoreCase(mode)) {
                    break;
                }
            }
        }
        if (parsed.isEmpty()) {
            throw new PimException(
                    Kind.INCIDENT,
                    "PolicyRuleMissing",
                    "PolicyRuleMissing: the policy of role " + roleDefinitionId
                            + " requires approval (Approval_EndUser_Assignment) but names no approval stage");
        }
        return new ApprovalRule(required, forExtension, mode == null ? "SingleStage" : mode, parsed);
    }

    private static ApprovalStage approvalStage(JsonNode stage, String roleDefinitionId, int number) {
        JsonNode days = field(stage, "approvalStageTimeOutInDays");
        if (days == null || !days.canConvertToLong() || days.asLong() <= 0) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnparsableResponse",
                    "UnparsableResponse: approval stage " + number + " of role " + roleDefinitionId
                            + " has no positive approvalStageTimeOutInDays (" + days + ")");
        }
        JsonNode minutes = field(stage, "escalationTimeInMinutes");
        return new ApprovalStage(
                Duration.ofDays(days.asLong()),
                bool(stage, "isApproverJustificationRequired"),
                bool(stage, "isEscalationEnabled"),
                Duration.ofMinutes(minutes != null && minutes.canConvertToLong() ? minutes.asLong() : 0),
                approvers(field(stage, "primaryApprovers"), roleDefinitionId, number, "primaryApprovers"),
                approvers(field(stage, "escalationApprovers"), roleDefinitionId, number, "escalationApprovers"));
    }

    private static List<Approver> approvers(JsonNode subjects, String roleDefinitionId, int stage, String property) {
        List<Approver> out = new ArrayList<>();
        if (subjects == null || !subjects.isArray()) {
            return out;
        }
        String where = property + " of approval stage " + stage + " of role " + roleDefinitionId;
        for (JsonNode subject : subjects) {
            String type = text(subject, "@odata.type");
            String id;
            Approver.Kind kind;
            if ("#microsoft.graph.singleUser".equalsIgnoreCase(type)) {
                kind = Approver.Kind.USER;
                id = text(subject, "userId");
            } else if ("#microsoft.graph.groupMembers".equalsIgnoreCase(type)) {
                kind = Approver.Kind.GROUP;
                id = text(subject, "groupId");
            } else {
                throw new PimException(
                        Kind.INCIDENT,
                        "UnsupportedApprover",
                        "UnsupportedApprover: " + where + " names a " + type
                                + ", which pimflow cannot ask (it asks singleUser and groupMembers approvers)");
            }
            if (id == null || id.isBlank()) {
                throw new PimException(
                        Kind.INCIDENT,
                        "UnparsableResponse",
                        "UnparsableResponse: a " + type + " in " + where + " without its "
                                + (kind == Approver.Kind.USER ? "userId" : "groupId"));
            }
            out.add(new Approver(kind, id));
        }
        return out;
    }

    private static JsonNode rule(JsonNode rules, String id) {
        JsonNode r = optionalRule(rules, id);
        if (r == null) {
            throw new PimException(
                    Kind.INCIDENT, "PolicyRuleMissing", "PolicyRuleMissing: the role policy has no rule " + id);
        }
        return r;
    }

    private static JsonNode optionalRule(JsonNode rules, String id) {
        if (rules != null && rules.isArray()) {
            for (JsonNode r : rules) {
                if (id.equalsIgnoreCase(text(r, "id"))) {
                    return r;
                }
            }
        }
        return null;
    }

    @Override
    public Assignment assign(AssignmentRequest request) {
        ActivationCall call = ActivationCall.of(request, "adminAssign");
        try {
            return assignment(
                    graph.call("POST", RM + "roleAssignmentScheduleRequests", call.body()), call.duration(), false);
        } catch (PimException e) {
            return adoptOrThrow(e, call);
        }
    }

    /**
     * The seed's own request, {@code selfActivate} with the justification (and this activation's marker), the ticket and
     * {@code afterDuration}, sent with the person's delegated token ({@link GraphHttp#callAs}). Adopting an earlier
     * request of the same activation is a read, made as the app. PIM holding the request for its approvers ({@code
     * PendingApproval}) is answered as such, without start and end ({@link #pending}).
     */
    @Override
    public Assignment selfActivate(AssignmentRequest request, String delegatedAccessToken) {
        ActivationCall call = ActivationCall.of(request, "selfActivate");
        JsonNode answer;
        try {
            answer = graph.callAs(delegatedAccessToken, "POST", RM + "roleAssignmentScheduleRequests", call.body());
        } catch (PimException e) {
            return adoptOrThrow(e, call);
        }
        if (PENDING_APPROVAL.equalsIgnoreCase(text(answer, "status"))) {
            Assignment pending = pending(answer, false);
            log.info(
                    "PIM request {} for activation {} waits for approval (approval {})",
                    pending.requestId(),
                    request.activationId(),
                    text(answer, "approvalId"));
            return pending;
        }
        return assignment(answer, call.duration(), false);
    }

    /** A request PIM holds for its approvers: its id and status, no times (nothing is assigned yet). */
    private static Assignment pending(JsonNode r, boolean adopted) {
        String id = text(r, "id");
        if (id == null || id.isBlank()) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnparsableResponse",
                    "UnparsableResponse: a PendingApproval role assignment request without 'id'");
        }
        return new Assignment(id, text(r, "status"), null, null, adopted);
    }

    /**
     * One read as the app, {@code GET roleAssignmentScheduleRequests/{id}}, through the same throttle and retries as
     * every call. The status is passed on as PIM says it; for a request that succeeded (Granted and Provisioned are both
     * success, spec §2.3; also PIM's intermediate {@code PendingProvisioning}, {@code PendingScheduleCreation}, {@code
     * ScheduleCreated}) the start and end are read from its {@code scheduleInfo} as for {@link #assign} ({@code
     * afterDateTime}: its end; {@code afterDuration}: the start plus the duration), with one adjustment for a request
     * that waited for approval ({@link #assignment}). 404 is {@code RequestNotFound} (DENY).
     */
    @Override
    public Assignment activationRequest(String requestId) {
        requireText(requestId, "requestId");
        JsonNode r;
        try {
            r = graph.call("GET", RM + "roleAssignmentScheduleRequests/" + segment(requestId), null);
        } catch (PimException e) {
            if (e.httpStatus() == 404) {
                throw new PimException(
                        Kind.DENY,
                        "RequestNotFound",
                        "RequestNotFound: PIM has no role assignment request " + requestId
                                + " (never made, or deleted)",
                        404,
                        null,
                        e);
            }
            throw e;
        }
        String status = text(r, "status");
        if (status == null || status.isBlank()) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnparsableResponse",
                    "UnparsableResponse: role assignment request " + requestId + " without 'status'");
        }
        if (SUCCESS_STATUSES.contains(status.toLowerCase(Locale.ROOT))) {
            return assignment(r, null, false);
        }
        String id = text(r, "id");
        return new Assignment(id == null || id.isBlank() ? requestId : id, status, null, null, false);
    }

    /**
     * {@code POST roleAssignmentScheduleRequests/{id}/cancel} as the app: 204 is true. A 400 (PIM does not say why in a
     * code of its own, spec §6: the request is no longer cancelable, it has been decided) and a 404 are false; anything
     * else fails as every call does. guess: that PIM lets the app cancel a request a person made ({@code
     * RoleAssignmentSchedule.ReadWrite.Directory}); the reference says nothing about who may cancel.
     */
    @Override
    public boolean cancelRequest(String requestId) {
        requireText(requestId, "requestId");
        try {
            graph.call("POST", RM + "roleAssignmentScheduleRequests/" + segment(requestId) + "/cancel", null);
            return true;
        } catch (PimException e) {
            if (e.httpStatus() == 400 || e.httpStatus() == 404) {
                log.info("PIM request {} was not cancelled: {} (HTTP {})", requestId, e.getMessage(), e.httpStatus());
                return false;
            }
            throw e;
        }
    }

    /** The request body both activations send, and what a retry of it looks for. */
    private record ActivationCall(
            AssignmentRequest request, String scope, String marker, Duration duration, ObjectNode body) {

        static ActivationCall of(AssignmentRequest request, String action) {
            Objects.requireNonNull(request, "request");
            requireText(request.principalId(), "principalId");
            requireText(request.roleDefinitionId(), "roleDefinitionId");
            Duration duration = request.duration();
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            duration = duration.truncatedTo(ChronoUnit.SECONDS);
            String scope = scopeOrRoot(request.directoryScopeId());
            String marker =
                    request.activationId() == null || request.activationId().isBlank()
                            ? null
                            : activationMarker(request.activationId());
            String justification =
                    (request.justification() == null ? "" : request.justification()) + (marker == null ? "" : marker);

            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("action", action);
            body.put("principalId", request.principalId());
            body.put("roleDefinitionId", request.roleDefinitionId());
            body.put("directoryScopeId", scope);
            body.put("justification", justification.strip());
            ObjectNode schedule = body.putObject("scheduleInfo");
            schedule.put(
                    "startDateTime",
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            ObjectNode expiration = schedule.putObject("expiration");
            expiration.put("type", "afterDuration");
            expiration.put("duration", duration.toString());
            ObjectNode ticket = body.putObject("ticketInfo");
            ticket.put("ticketNumber", request.ticketNumber());
            ticket.put("ticketSystem", request.ticketSystem());
            return new ActivationCall(request, scope, marker, duration, body);
        }
    }

    /**
     * On {@code RoleAssignmentExists}, the earlier request of the same activation if there is one; on {@code
     * PendingRoleAssignmentRequest} (PIM still holds a request for the role), the earlier request of the same activation
     * that waits for approval; else the failure.
     */
    private Assignment adoptOrThrow(PimException e, ActivationCall call) {
        boolean exists = "RoleAssignmentExists".equalsIgnoreCase(e.code());
        boolean pending = "PendingRoleAssignmentRequest".equalsIgnoreCase(e.code());
        if ((exists || pending) && call.marker() != null) {
            AssignmentRequest request = call.request();
            Assignment earlier = exists
                    ? adopt(request.principalId(), request.roleDefinitionId(), call.scope(), call.marker())
                    : adoptPending(request.principalId(), request.roleDefinitionId(), call.scope(), call.marker());
            if (earlier != null) {
                log.info(
                        "Adopted PIM request {} for activation {}: it was made before a crash or retry",
                        earlier.requestId(),
                        request.activationId());
                return earlier;
            }
        }
        throw e;
    }

    /**
     * The earlier activation request of this activation, when the assignment that exists is ours (a retry after a crash):
     * an {@code adminAssign} or a {@code selfActivate}, whichever mode sent it.
     */
    private Assignment adopt(String principalId, String roleDefinitionId, String scope, String marker) {
        String filter = "principalId eq " + quote(principalId) + " and roleDefinitionId eq " + quote(roleDefinitionId);
        Instant now = Instant.now();
        Assignment best = null;
        Instant bestCreated = Instant.MIN;
        for (JsonNode r : graph.list(RM + "roleAssignmentScheduleRequests?$filter=" + encode(filter))) {
            String status = text(r, "status");
            String justification = text(r, "justification");
            if (!ACTIVATION_ACTIONS.contains(String.valueOf(text(r, "action")).toLowerCase(Locale.ROOT))
                    || !("Provisioned".equalsIgnoreCase(status) || "Granted".equalsIgnoreCase(status))
                    || justification == null
                    || !justification.contains(marker.strip())
                    || !scope.equalsIgnoreCase(scopeOrRoot(text(r, "directoryScopeId")))) {
                continue;
            }
            Assignment a = assignment(r, null, true);
            Instant created = time(text(r, "createdDateTime"));
            if ((a.endDateTime() == null || a.endDateTime().isAfter(now))
                    && (created == null ? best == null : created.isAfter(bestCreated))) {
                best = a;
                bestCreated = created == null ? Instant.MIN : created;
            }
        }
        return best;
    }

    /** The earlier activation request of this activation that PIM still holds for its approvers; else null. */
    private Assignment adoptPending(String principalId, String roleDefinitionId, String scope, String marker) {
        String filter = "principalId eq " + quote(principalId) + " and roleDefinitionId eq " + quote(roleDefinitionId);
        for (JsonNode r : graph.list(RM + "roleAssignmentScheduleRequests?$filter=" + encode(filter))) {
            String justification = text(r, "justification");
            if ("selfActivate".equalsIgnoreCase(text(r, "action"))
                    && PENDING_APPROVAL.equalsIgnoreCase(text(r, "status"))
                    && justification != null
                    && justification.contains(marker.strip())
                    && scope.equalsIgnoreCase(scopeOrRoot(text(r, "directoryScopeId")))) {
                return pending(r, true);
            }
        }
        return null;
    }

    /**
     * The assignment a successful request made: start from {@code scheduleInfo} (else {@code createdDateTime}), end from
     * its {@code endDateTime} or start plus duration. A request that waited for approval ({@code approvalId} set) and
     * is {@code Provisioned} took effect when it was approved: when its {@code completedDateTime} is later than the
     * start its {@code scheduleInfo} names (the time it was made), that is the start, and a duration counts from it.
     * guess: the reference does not say whether PIM moves an approved request's {@code scheduleInfo}; the simulator
     * keeps the request's and starts the assignment at the approval, as PIM normalises a past start to the processing
     * time (spec §2.2); taking the later of the two is right either way.
     */
    private static Assignment assignment(JsonNode r, Duration requested, boolean adopted) {
        String status = text(r, "status");
        if (status == null || !SUCCESS_STATUSES.contains(status.toLowerCase(Locale.ROOT))) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnexpectedStatus",
                    "UnexpectedStatus: PIM answered the assignment with status " + status + " (request " + text(r, "id")
                            + ")");
        }
        JsonNode schedule = field(r, "scheduleInfo");
        JsonNode expiration = field(schedule, "expiration");
        Instant start;
        Instant end;
        try {
            start = time(text(schedule, "startDateTime"));
            if (start == null) {
                start = time(text(r, "createdDateTime"));
            }
            String approvalId = text(r, "approvalId");
            Instant completed = time(text(r, "completedDateTime"));
            if (approvalId != null
                    && !approvalId.isBlank()
                    && "Provisioned".equalsIgnoreCase(status)
                    && completed != null
                    && (start == null || completed.isAfter(start))) {
                start = completed; // approved after it was asked: it runs from the approval
            }
            end = time(text(expiration, "endDateTime"));
            Duration d = duration(text(expiration, "duration"));
            if (end == null && start != null && (d != null || requested != null)) {
                end = start.plus(d != null ? d : requested);
            }
        } catch (DateTimeParseException e) {
            throw new PimException(
                    Kind.INCIDENT, "UnparsableResponse", "UnparsableResponse: " + e.getMessage(), 0, null, e);
        }
        return new Assignment(text(r, "id"), status, start, end, adopted);
    }

    /**
     * A {@code singleUser} is its id, asked of no one. A {@code groupMembers} is one read per page of the group's
     * transitive user members ({@code GET /groups/{id}/transitiveMembers/microsoft.graph.user?$select=id}, 4 resource
     * units); a group Graph does not know (404) is an INCIDENT naming it (the role settings name a deleted group). No
     * approvers at all is, as PIM does, the active holders of Privileged Role Administrator and Global Administrator
     * (one read each, {@code roleAssignmentScheduleInstances} with {@code $expand=principal} to tell users from groups),
     * tenant-wide only, a group holder expanded to its user members, other principals (service principals) left out:
     * they cannot decide. Empty when no one is left (an empty group): the caller decides what that means.
     */
    @Override
    public Set<String> approverUserIds(List<Approver> approvers) {
        Objects.requireNonNull(approvers, "approvers");
        Set<String> ids = new LinkedHashSet<>();
        if (approvers.isEmpty()) {
            for (String role : List.of(PRIVILEGED_ROLE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR)) {
                ids.addAll(activeHolders(role));
            }
            return ids;
        }
        for (Approver approver : approvers) {
            if (approver.kind() == Approver.Kind.USER) {
                ids.add(approver.id());
            } else {
                ids.addAll(groupUserMembers(approver.id()));
            }
        }
        return ids;
    }

    private Set<String> groupUserMembers(String groupId) {
        List<JsonNode> members;
        try {
            members = graph.list("/groups/" + segment(groupId) + "/transitiveMembers/microsoft.graph.user?$select=id");
        } catch (PimException e) {
            if (e.httpStatus() == 404) {
                throw new PimException(
                        Kind.INCIDENT,
                        "ApproverNotFound",
                        "ApproverNotFound: the approver group " + groupId + " does not exist",
                        404,
                        null,
                        e);
            }
            throw e;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode m : members) {
            ids.add(objectId(m, "GET /groups/{id}/transitiveMembers").toLowerCase(Locale.ROOT));
        }
        return ids;
    }

    private Set<String> activeHolders(String roleDefinitionId) {
        String filter = "roleDefinitionId eq " + quote(roleDefinitionId);
        Instant now = Instant.now();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode instance :
                graph.list(RM + "roleAssignmentScheduleInstances?$filter=" + encode(filter) + "&$expand=principal")) {
            Instant start = time(text(instance, "startDateTime"));
            Instant end = time(text(instance, "endDateTime"));
            boolean current = (start == null || !start.isAfter(now)) && (end == null || end.isAfter(now));
            if (!current || !"/".equals(text(instance, "directoryScopeId"))) {
                continue; // an administrative unit's administrator does not decide for the tenant
            }
            String principalId = text(instance, "principalId");
            String type = text(field(instance, "principal"), "@odata.type");
            if (principalId == null || type == null) {
                throw new PimException(
                        Kind.INCIDENT,
                        "UnparsableResponse",
                        "UnparsableResponse: a role assignment instance of role " + roleDefinitionId
                                + " without principalId or principal's @odata.type");
            }
            if ("#microsoft.graph.user".equalsIgnoreCase(type)) {
                ids.add(principalId.toLowerCase(Locale.ROOT));
            } else if ("#microsoft.graph.group".equalsIgnoreCase(type)) {
                ids.addAll(groupUserMembers(principalId));
            }
        }
        return ids;
    }

    /**
     * An {@code adminExtend} of the assignment (spec 2.1: an assignment request with {@code scheduleInfo}): start = the
     * original start, {@code afterDateTime} to the new end (both to the second, as every time pimflow sends), the
     * justification with {@link #extensionMarker} and the
     * ticket. First one read: an earlier request of this extension (the same marker, {@code Provisioned} or {@code
     * Granted}) is adopted instead of extending twice (a retry after a crash). PIM refusing it is DENY with PIM's code:
     * {@code RoleAssignmentRequestPolicyValidationFailed} ({@code ExpirationRule}: the new end is beyond the maximum
     * counted from the start) or {@code RoleAssignmentDoesNotExist} (nothing to extend: expired or removed).
     */
    @Override
    public Assignment extend(ExtensionRequest request) {
        Objects.requireNonNull(request, "request");
        requireText(request.principalId(), "principalId");
        requireText(request.roleDefinitionId(), "roleDefinitionId");
        requireText(request.activationId(), "activationId");
        if (request.startDateTime() == null || request.newEndDateTime() == null) {
            throw new IllegalArgumentException("startDateTime and newEndDateTime are required");
        }
        if (!request.newEndDateTime().isAfter(request.startDateTime())) {
            throw new IllegalArgumentException("newEndDateTime must be after startDateTime");
        }
        if (request.round() < 1) {
            throw new IllegalArgumentException("round must be 1 or more");
        }
        String scope = scopeOrRoot(request.directoryScopeId());
        String marker = extensionMarker(request.activationId(), request.round());
        Assignment earlier = adoptExtension(request, scope, marker);
        if (earlier != null) {
            log.info(
                    "Adopted PIM request {} for extension {} of activation {}: it was made before a crash or retry",
                    earlier.requestId(),
                    request.round(),
                    request.activationId());
            return earlier;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("action", "adminExtend");
        body.put("principalId", request.principalId());
        body.put("roleDefinitionId", request.roleDefinitionId());
        body.put("directoryScopeId", scope);
        body.put("justification", ((request.justification() == null ? "" : request.justification()) + marker).strip());
        ObjectNode schedule = body.putObject("scheduleInfo");
        // guess: PIM keeps an extended assignment's start when the request names it (the reference's one adminExtend
        // example uses afterDuration and says nothing of the start); the maximum counts from it
        schedule.put(
                "startDateTime",
                request.startDateTime().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode expiration = schedule.putObject("expiration");
        expiration.put("type", "afterDateTime");
        expiration.put(
                "endDateTime",
                request.newEndDateTime().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode ticket = body.putObject("ticketInfo");
        ticket.put("ticketNumber", request.ticketNumber());
        ticket.put("ticketSystem", request.ticketSystem());
        try {
            return assignment(graph.call("POST", RM + "roleAssignmentScheduleRequests", body), null, false);
        } catch (PimException e) {
            if ("RoleAssignmentDoesNotExist".equalsIgnoreCase(e.code())) {
                throw new PimException(
                        Kind.DENY,
                        e.code(),
                        "RoleAssignmentDoesNotExist: no active assignment of role " + request.roleDefinitionId()
                                + " for " + request.principalId() + " to extend (expired or removed)",
                        e.httpStatus(),
                        null,
                        e);
            }
            throw e;
        }
    }

    /** The earlier {@code adminExtend} of this extension (its marker), when it took effect; else null. */
    private Assignment adoptExtension(ExtensionRequest request, String scope, String marker) {
        String filter = "principalId eq " + quote(request.principalId()) + " and roleDefinitionId eq "
                + quote(request.roleDefinitionId());
        for (JsonNode r : graph.list(RM + "roleAssignmentScheduleRequests?$filter=" + encode(filter))) {
            String status = text(r, "status");
            String justification = text(r, "justification");
            if ("adminExtend".equalsIgnoreCase(text(r, "action"))
                    && ("Provisioned".equalsIgnoreCase(status) || "Granted".equalsIgnoreCase(status))
                    && justification != null
                    && justification.contains(marker.strip())
                    && scope.equalsIgnoreCase(scopeOrRoot(text(r, "directoryScopeId")))) {
                return assignment(r, null, true);
            }
        }
        return null;
    }

    @Override
    public Removal remove(RemovalRequest request) {
        Objects.requireNonNull(request, "request");
        requireText(request.principalId(), "principalId");
        requireText(request.roleDefinitionId(), "roleDefinitionId");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("action", "adminRemove");
        body.put("principalId", request.principalId());
        body.put("roleDefinitionId", request.roleDefinitionId());
        body.put("directoryScopeId", scopeOrRoot(request.directoryScopeId()));
        body.put("justification", request.justification());
        ObjectNode ticket = body.putObject("ticketInfo");
        ticket.put("ticketNumber", request.ticketNumber());
        ticket.put("ticketSystem", request.ticketSystem());
        try {
            JsonNode r = graph.call("POST", RM + "roleAssignmentScheduleRequests", body);
            return new Removal(text(r, "id"), true);
        } catch (PimException e) {
            if ("RoleAssignmentDoesNotExist".equalsIgnoreCase(e.code())) {
                return new Removal(null, false); // expired, removed by hand, or removed by an earlier attempt of ours
            }
            throw e;
        }
    }

    @Override
    public List<ActiveRoleAssignment> roleAssignments(String principalId) {
        requireText(principalId, "principalId");
        List<ActiveRoleAssignment> out = new ArrayList<>();
        for (JsonNode a :
                graph.list(RM + "roleAssignments?$filter=" + encode("principalId eq " + quote(principalId)))) {
            out.add(new ActiveRoleAssignment(
                    text(a, "id"), text(a, "principalId"), text(a, "roleDefinitionId"), text(a, "directoryScopeId")));
        }
        return out;
    }

    // ------------------------------------------------------------------ HTTP

    // ------------------------------------------------------------------ small helpers

    private static String scopeOrRoot(String scope) {
        return scope == null || scope.isBlank() ? "/" : scope;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String segment(String value) {
        return encode(value);
    }
}
