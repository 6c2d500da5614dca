package dev.pimflow.pim.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.ActiveRoleAssignment;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.Removal;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.pim.RoleDefinition;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PimDirectory} over Microsoft Graph v1.0 (or the {@code GraphSimulator}), with an app-only token.
 *
 * <p>Activation is an {@code adminAssign} of a time-bound active assignment, not a {@code selfActivate}: a
 * daemon has no user session to satisfy MFA, so the orchestrator does the MFA step-up itself (DESIGN 5).
 *
 * <p>Every failure is a {@link PimException}: DENY for policy, eligibility and subject problems; RETRY for
 * throttling, 5xx, timeouts and connection failures (429/503/504 and transport failures are first retried
 * in-call, honouring {@code Retry-After}); INCIDENT for everything else. Tokens never reach the log.
 */
public final class GraphPimClient implements PimDirectory {

    public static final String DEFAULT_SCOPE = "https://graph.microsoft.com/.default";

    private static final Logger log = LoggerFactory.getLogger(GraphPimClient.class);
    /**
     * Error codes that callers treat as an outcome, not a fault, logged at INFO: removing an assignment that PIM already
     * ended (every revocation at the end of a duration races PIM's own expiry) answers {@code RoleAssignmentDoesNotExist}.
     */
    private static final java.util.Set<String> EXPECTED_OUTCOMES = java.util.Set.of("RoleAssignmentDoesNotExist");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RM = "/roleManagement/directory/";
    private static final Set<String> DENY_CODES = Set.of(
            "roleassignmentrequestpolicyvalidationfailed",
            "roleassignmentrequestacrsvalidationfailed",
            "rolenotfound",
            "subjectnotfound",
            "roleassignmentexists",
            "pendingroleassignmentrequest",
            "invalidroleassignmentrequest");
    private static final Pattern RULE_NAMES =
            Pattern.compile("(MfaRule|JustificationRule|TicketingRule|ExpirationRule|EligibilityRule|ApprovalRule)");
    private static final Set<String> SUCCESS_STATUSES =
            Set.of("provisioned", "granted", "pendingprovisioning", "pendingschedulecreation", "schedulecreated");
    private static final Duration TOKEN_REFRESH_MARGIN = Duration.ofMinutes(2);
    private static final int MAX_PAGES = 1000;

    private final GraphClientSettings settings;
    private final TokenCredential credential;
    private final String scope;
    private final HttpClient http;
    private final URI base;
    private AccessToken token; // guarded by this

    public GraphPimClient(GraphClientSettings settings, TokenCredential credential) {
        this(settings, credential, DEFAULT_SCOPE);
    }

    public GraphPimClient(GraphClientSettings settings, TokenCredential credential, String scope) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.credential = Objects.requireNonNull(credential, "credential");
        this.scope = scope == null || scope.isBlank() ? DEFAULT_SCOPE : scope;
        this.base = URI.create(settings.baseUrl());
        Duration connect = settings.requestTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? settings.requestTimeout()
                : Duration.ofSeconds(10);
        this.http = HttpClient.newBuilder()
                .connectTimeout(connect)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The justification suffix that makes an assignment recognisable as this activation's. */
    public static String activationMarker(String activationId) {
        return " [pimflow activation " + activationId + "]";
    }

    // ------------------------------------------------------------------ PimDirectory

    @Override
    public RoleDefinition roleDefinition(String roleDefinitionId) {
        requireText(roleDefinitionId, "roleDefinitionId");
        try {
            JsonNode r = call("GET", RM + "roleDefinitions/" + segment(roleDefinitionId), null);
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

    @Override
    public Eligibility eligibility(String principalId, String roleDefinitionId, String directoryScopeId) {
        requireText(principalId, "principalId");
        requireText(roleDefinitionId, "roleDefinitionId");
        String scope = scopeOrRoot(directoryScopeId);
        List<JsonNode> memberOf;
        try {
            memberOf = list("/users/" + segment(principalId) + "/transitiveMemberOf");
        } catch (PimException e) {
            if (e.httpStatus() == 404) {
                throw new PimException(
                        Kind.DENY, "SubjectNotFound", "SubjectNotFound: no user " + principalId, 404, null, e);
            }
            throw e;
        }
        if (eligibleAt(principalId, roleDefinitionId, scope)) {
            return new Eligibility(true, Eligibility.DIRECT, null);
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

    private boolean eligibleAt(String principalId, String roleDefinitionId, String scope) {
        String filter = "principalId eq " + quote(principalId) + " and roleDefinitionId eq " + quote(roleDefinitionId);
        Instant now = Instant.now();
        for (JsonNode instance : list(RM + "roleEligibilityScheduleInstances?$filter=" + encode(filter))) {
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
        List<JsonNode> assignments = list("/policies/roleManagementPolicyAssignments?$filter=" + encode(filter)
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
        // An adminAssign would silently bypass an approval the tenant requires, so such roles are not activatable here.
        JsonNode approval = optionalRule(rules, "Approval_EndUser_Assignment");
        if (bool(field(approval, "setting"), "isApprovalRequired")) {
            throw new PimException(
                    Kind.DENY,
                    "ApprovalRequired",
                    "ApprovalRequired: role " + roleDefinitionId
                            + " requires approval to activate, which pimflow does not bypass");
        }
        return new ActivationPolicy(
                max,
                bool(expiration, "isExpirationRequired"),
                contains(enabled, "Justification"),
                contains(enabled, "Ticketing"),
                mfa);
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
        Objects.requireNonNull(request, "request");
        requireText(request.principalId(), "principalId");
        requireText(request.roleDefinitionId(), "roleDefinitionId");
        Duration duration = request.duration();
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive");
        }
        duration = duration.truncatedTo(ChronoUnit.SECONDS);
        String scope = scopeOrRoot(request.directoryScopeId());
        String marker = request.activationId() == null || request.activationId().isBlank()
                ? null
                : activationMarker(request.activationId());
        String justification =
                (request.justification() == null ? "" : request.justification()) + (marker == null ? "" : marker);

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("action", "adminAssign");
        body.put("principalId", request.principalId());
        body.put("roleDefinitionId", request.roleDefinitionId());
        body.put("directoryScopeId", scope);
        body.put("justification", justification.strip());
        ObjectNode schedule = body.putObject("scheduleInfo");
        schedule.put(
                "startDateTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode expiration = schedule.putObject("expiration");
        expiration.put("type", "afterDuration");
        expiration.put("duration", duration.toString());
        ObjectNode ticket = body.putObject("ticketInfo");
        ticket.put("ticketNumber", request.ticketNumber());
        ticket.put("ticketSystem", request.ticketSystem());

        try {
            return assignment(call("POST", RM + "roleAssignmentScheduleRequests", body), duration, false);
        } catch (PimException e) {
            if ("RoleAssignmentExists".equalsIgnoreCase(e.code()) && marker != null) {
                Assignment earlier = adopt(request.principalId(), request.roleDefinitionId(), scope, marker);
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
    }

    /** The earlier adminAssign of this activation, when the assignment that exists is ours (a retry after a crash). */
    private Assignment adopt(String principalId, String roleDefinitionId, String scope, String marker) {
        String filter = "principalId eq " + quote(principalId) + " and roleDefinitionId eq " + quote(roleDefinitionId);
        Instant now = Instant.now();
        Assignment best = null;
        Instant bestCreated = Instant.MIN;
        for (JsonNode r : list(RM + "roleAssignmentScheduleRequests?$filter=" + encode(filter))) {
            String status = text(r, "status");
            String justification = text(r, "justification");
            if (!"adminAssign".equalsIgnoreCase(text(r, "action"))
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
            JsonNode r = call("POST", RM + "roleAssignmentScheduleRequests", body);
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
        for (JsonNode a : list(RM + "roleAssignments?$filter=" + encode("principalId eq " + quote(principalId)))) {
            out.add(new ActiveRoleAssignment(
                    text(a, "id"), text(a, "principalId"), text(a, "roleDefinitionId"), text(a, "directoryScopeId")));
        }
        return out;
    }

    // ------------------------------------------------------------------ HTTP

    /** GET a collection, following {@code @odata.nextLink} until it is absent. */
    private List<JsonNode> list(String pathAndQuery) {
        List<JsonNode> items = new ArrayList<>();
        String next = pathAndQuery;
        for (int pages = 0; next != null; pages++) {
            if (pages == MAX_PAGES) {
                throw new PimException(
                        Kind.INCIDENT,
                        "TooManyPages",
                        "TooManyPages: more than " + MAX_PAGES + " pages at " + pathAndQuery);
            }
            JsonNode page = call("GET", next, null);
            JsonNode value = field(page, "value");
            if (value == null || !value.isArray()) {
                throw new PimException(
                        Kind.INCIDENT,
                        "UnparsableResponse",
                        "UnparsableResponse: no 'value' array from " + pathAndQuery);
            }
            value.forEach(items::add);
            next = text(page, "@odata.nextLink");
        }
        return items;
    }

    private JsonNode call(String method, String pathOrUrl, JsonNode body) {
        URI uri = uri(pathOrUrl);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        boolean tokenRefreshed = false;
        for (int attempt = 1; ; attempt++) {
            String clientRequestId = UUID.randomUUID().toString();
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .timeout(settings.requestTimeout())
                    .header("Authorization", "Bearer " + token())
                    .header("Accept", "application/json")
                    .header("client-request-id", clientRequestId)
                    .header("return-client-request-id", "true");
            if (body == null) {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                builder.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
            }
            long started = System.nanoTime();
            PimException failure;
            int status = 0;
            try {
                HttpResponse<String> response =
                        http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                status = response.statusCode();
                long ms = (System.nanoTime() - started) / 1_000_000;
                if (status >= 200 && status < 300) {
                    log.debug(
                            "Graph {} {} -> {} in {} ms (client-request-id {})",
                            method,
                            target,
                            status,
                            ms,
                            clientRequestId);
                    return parse(response.body(), method, target);
                }
                failure = error(status, response.body(), response.headers());
                if (EXPECTED_OUTCOMES.contains(failure.code())) {
                    log.info(
                            "Graph {} {} -> {} {} in {} ms (client-request-id {}, request-id {})",
                            method,
                            target,
                            status,
                            failure.code(),
                            ms,
                            clientRequestId,
                            response.headers().firstValue("request-id").orElse("-"));
                } else {
                    log.warn(
                            "Graph {} {} -> {} {} in {} ms (client-request-id {}, request-id {}, attempt {}/{})",
                            method,
                            target,
                            status,
                            failure.code(),
                            ms,
                            clientRequestId,
                            response.headers().firstValue("request-id").orElse("-"),
                            attempt,
                            settings.maxAttempts());
                }
            } catch (HttpTimeoutException e) {
                failure = new PimException(
                        Kind.RETRY,
                        "Timeout",
                        "Timeout: Graph did not answer " + method + " " + target + " within "
                                + settings.requestTimeout(),
                        0,
                        null,
                        e);
                log.warn(
                        "Graph {} {} timed out (client-request-id {}, attempt {}/{})",
                        method,
                        target,
                        clientRequestId,
                        attempt,
                        settings.maxAttempts());
            } catch (IOException e) {
                failure = new PimException(
                        Kind.RETRY,
                        "ConnectionFailed",
                        "ConnectionFailed: " + method + " " + target + ": " + e,
                        0,
                        null,
                        e);
                log.warn(
                        "Graph {} {} failed: {} (client-request-id {}, attempt {}/{})",
                        method,
                        target,
                        e.toString(),
                        clientRequestId,
                        attempt,
                        settings.maxAttempts());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PimException(
                        Kind.RETRY,
                        "Interrupted",
                        "Interrupted while calling Graph " + method + " " + target,
                        0,
                        null,
                        e);
            }
            if (status == 401 && !tokenRefreshed && attempt < settings.maxAttempts()) {
                tokenRefreshed = true; // a revoked or clock-skewed token: try once more with a fresh one
                invalidateToken();
                continue;
            }
            boolean retryable = status == 0 || status == 429 || status == 503 || status == 504;
            if (!retryable || attempt >= settings.maxAttempts()) {
                throw failure;
            }
            Duration wait = failure.retryAfter() != null ? failure.retryAfter() : backoff(attempt);
            if (wait.compareTo(settings.maxBackoff()) > 0) {
                throw failure; // longer than we block a worker for: the caller retries after retryAfter()
            }
            sleep(wait, method, target);
        }
    }

    private URI uri(String pathOrUrl) {
        if (!pathOrUrl.startsWith("http://") && !pathOrUrl.startsWith("https://")) {
            return URI.create(settings.baseUrl() + pathOrUrl);
        }
        URI next = URI.create(pathOrUrl);
        // A nextLink is followed verbatim, but only to the host we trust with the bearer token.
        if (!next.getScheme().equalsIgnoreCase(base.getScheme())
                || !next.getHost().equalsIgnoreCase(base.getHost())
                || effectivePort(next) != effectivePort(base)) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnexpectedNextLink",
                    "UnexpectedNextLink: Graph pointed paging at " + next.getScheme() + "://" + next.getAuthority());
        }
        return next;
    }

    private static int effectivePort(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private Duration backoff(int attempt) {
        long initial = settings.initialBackoff().toMillis();
        long cap = settings.maxBackoff().toMillis();
        long exponential = initial << Math.min(attempt - 1, 20);
        long ceiling = Math.min(cap, exponential < 0 ? cap : exponential);
        // "equal jitter": half fixed, half random, so concurrent callers spread out but still back off
        long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return Duration.ofMillis(millis);
    }

    private static void sleep(Duration wait, String method, String target) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PimException(
                    Kind.RETRY,
                    "Interrupted",
                    "Interrupted while waiting to retry " + method + " " + target,
                    0,
                    null,
                    e);
        }
    }

    private static JsonNode parse(String body, String method, String target) {
        if (body == null || body.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnparsableResponse",
                    "UnparsableResponse: Graph answered " + method + " " + target + " with something that is not JSON",
                    0,
                    null,
                    e);
        }
    }

    /** Maps a Graph error response to DENY, RETRY or INCIDENT (see the class comment). */
    static PimException error(int status, String body, HttpHeaders headers) {
        String code = null;
        String message = null;
        try {
            JsonNode error = field(body == null || body.isBlank() ? null : MAPPER.readTree(body), "error");
            code = text(error, "code");
            message = text(error, "message");
        } catch (IOException e) {
            // unparsable error body: classified by status below
        }
        // Permission failures come as code UnknownError with the real reason as a JSON string in the message.
        if ("UnknownError".equalsIgnoreCase(code)
                && message != null
                && message.trim().startsWith("{")) {
            try {
                JsonNode inner = MAPPER.readTree(message);
                if (text(inner, "errorCode") != null) {
                    code = text(inner, "errorCode");
                    message = text(inner, "message");
                }
            } catch (IOException e) {
                // keep UnknownError
            }
        }
        if (code == null || code.isBlank()) {
            code = "HttpStatus" + status;
        }
        Kind kind;
        if (status == 429 || status >= 500) {
            kind = Kind.RETRY;
        } else if (status == 400 && DENY_CODES.contains(code.toLowerCase(Locale.ROOT))) {
            kind = Kind.DENY;
        } else {
            kind = Kind.INCIDENT;
        }
        String text;
        if ("RoleAssignmentRequestPolicyValidationFailed".equalsIgnoreCase(code)) {
            Set<String> rules = new LinkedHashSet<>();
            Matcher m = RULE_NAMES.matcher(message == null ? "" : message);
            while (m.find()) {
                rules.add(m.group(1));
            }
            text = code + ": " + (rules.isEmpty() ? String.valueOf(message) : String.join(", ", rules));
        } else {
            text = message == null || message.isBlank() ? code : code + ": " + message;
        }
        return new PimException(kind, code, text, status, retryAfter(headers), null);
    }

    /** {@code Retry-After} in (possibly fractional) seconds, or as an HTTP date. */
    static Duration retryAfter(HttpHeaders headers) {
        String value =
                headers == null ? null : headers.firstValue("Retry-After").orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(value.trim());
            return seconds <= 0 || Double.isNaN(seconds)
                    ? Duration.ZERO
                    : Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    private synchronized String token() {
        if (token == null
                || token.getExpiresAt() == null
                || token.getExpiresAt().toInstant().minus(TOKEN_REFRESH_MARGIN).isBefore(Instant.now())) {
            AccessToken fresh;
            try {
                fresh = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
            } catch (ClientAuthenticationException e) {
                throw new PimException(
                        Kind.INCIDENT,
                        "TokenAcquisitionFailed",
                        "TokenAcquisitionFailed: " + e.getMessage(),
                        0,
                        null,
                        e);
            } catch (RuntimeException e) {
                throw new PimException(
                        Kind.RETRY, "TokenAcquisitionFailed", "TokenAcquisitionFailed: " + e.getMessage(), 0, null, e);
            }
            if (fresh == null || fresh.getToken() == null) {
                throw new PimException(
                        Kind.INCIDENT,
                        "TokenAcquisitionFailed",
                        "TokenAcquisitionFailed: the credential returned no token");
            }
            token = fresh;
        }
        return token.getToken();
    }

    private synchronized void invalidateToken() {
        token = null;
    }

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

    private static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = field(node, name);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static boolean bool(JsonNode node, String name) {
        JsonNode v = field(node, name);
        return v != null && v.asBoolean(false);
    }

    private static boolean contains(JsonNode array, String value) {
        if (array != null && array.isArray()) {
            for (JsonNode n : array) {
                if (value.equalsIgnoreCase(n.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Graph times come with 0 to 7 fractional digits, usually with {@code Z}. */
    private static Instant time(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw new PimException(
                        Kind.INCIDENT,
                        "UnparsableResponse",
                        "UnparsableResponse: bad date-time '" + s + "'",
                        0,
                        null,
                        again);
            }
        }
    }

    /** ISO 8601 durations, including day/week/month/year forms ({@code P180D}, {@code P1Y} as 365 days). */
    static Duration duration(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String text = s.trim().toUpperCase(Locale.ROOT);
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            int t = text.indexOf('T');
            Period period = Period.parse(t < 0 ? text : text.substring(0, t));
            Duration rest = t < 0 ? Duration.ZERO : Duration.parse("P" + text.substring(t));
            long days = period.getYears() * 365L + period.getMonths() * 30L + period.getDays();
            return Duration.ofDays(days).plus(rest);
        }
    }
}
