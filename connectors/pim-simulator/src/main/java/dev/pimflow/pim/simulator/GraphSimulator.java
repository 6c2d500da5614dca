package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Microsoft Graph v1.0 look-alike for the PIM subset in {@code reference/graph-pim-spec.md}: role-assignable
 * groups, role definitions, eligibility and assignment schedule requests, schedules, instances,
 * {@code roleAssignments}, role management policies, the error envelope, and a fault switch for throttling
 * and outages. In memory, seeded with the tutorial's Contoso tenant ({@link ContosoTenant}).
 *
 * <p>Every {@code /v1.0} call needs {@code Authorization: Bearer <JWT>}; the token's claims are read without
 * verifying its signature (see {@link Caller}). {@code /_simulator/*} is the unauthenticated control surface:
 * {@code health}, {@code faults}, {@code reset} and {@code tokens}.
 */
public final class GraphSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GraphSimulator.class);
    private static final String JSON_TYPE =
            "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int THREADS = 16;

    private static final String[] ROLE_READ = {
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory",
        "Directory.Read.All",
        "Directory.ReadWrite.All"
    };
    private static final String[] ASSIGNMENT_READ = {
        "RoleAssignmentSchedule.Read.Directory",
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory"
    };
    private static final String[] ELIGIBILITY_READ = {
        "RoleEligibilitySchedule.Read.Directory",
        "RoleEligibilitySchedule.ReadWrite.Directory",
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory"
    };
    private static final String[] ASSIGNMENT_WRITE = {
        "RoleAssignmentSchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    };
    private static final String[] ELIGIBILITY_WRITE = {
        "RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    };
    private static final String[] POLICY_READ = {
        "RoleManagementPolicy.Read.Directory",
        "RoleManagementPolicy.ReadWrite.Directory",
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory"
    };
    private static final String[] POLICY_WRITE = {
        "RoleManagementPolicy.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    };
    private static final String[] DIRECTORY_READ = {
        "User.Read.All",
        "User.ReadWrite.All",
        "GroupMember.Read.All",
        "Group.Read.All",
        "Group.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All"
    };
    private static final String[] GROUP_WRITE = {"Group.ReadWrite.All", "Directory.ReadWrite.All"};

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final int pageSize;
    private final Faults faults = new Faults();
    private final List<Route> routes = new ArrayList<>();
    private volatile TenantState state;

    private GraphSimulator(HttpServer server, ExecutorService executor, Clock clock, int pageSize) {
        this.server = server;
        this.executor = executor;
        this.clock = clock;
        this.pageSize = pageSize;
        this.state = seeded(clock);
        defineRoutes();
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. */
    public static GraphSimulator start(int port) {
        return start(port, Clock.systemUTC(), DEFAULT_PAGE_SIZE);
    }

    /** Starts on 127.0.0.1 with a clock (for expiry tests) and a default page size (to exercise paging). */
    public static GraphSimulator start(int port, Clock clock, int pageSize) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), clock, pageSize);
    }

    public static GraphSimulator start(InetSocketAddress address, Clock clock, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive");
        }
        try {
            HttpServer server = HttpServer.create(address, 64);
            AtomicInteger n = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "graph-simulator-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            GraphSimulator simulator = new GraphSimulator(server, executor, clock, pageSize);
            server.setExecutor(executor);
            server.createContext("/", simulator::handle);
            server.start();
            log.info(
                    "Graph simulator listening on {} (tenant {}, unsigned tokens accepted)",
                    simulator.baseUrl(),
                    ContosoTenant.TENANT_ID);
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Graph simulator on " + address, e);
        }
    }

    public String baseUrl() {
        return "http://localhost:" + port() + "/v1.0";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Back to the seeded tenant, with no faults armed. */
    public void reset() {
        state = seeded(clock);
        faults.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static TenantState seeded(Clock clock) {
        TenantState s = new TenantState(ContosoTenant.TENANT_ID, clock);
        ContosoTenant.seed(s);
        return s;
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Handler {
        Reply handle(Call call, Matcher path);
    }

    private record Route(String method, Pattern pattern, boolean directoryApi, String[] permissions, Handler handler) {}

    private record Reply(int status, JsonNode body, Map<String, String> headers) {
        static Reply of(int status, JsonNode body) {
            return new Reply(status, body, Map.of());
        }
    }

    private record Call(
            String method,
            String path,
            String rawPath,
            String rawQuery,
            Map<String, String> query,
            byte[] body,
            Caller caller,
            String linkBase) {

        String query(String name) {
            return query.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            if (body.length == 0) {
                return null;
            }
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw GraphError.badRequest(
                        "BadRequest",
                        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
            }
        }
    }

    private void route(String method, String regex, boolean directoryApi, String[] permissions, Handler handler) {
        routes.add(new Route(
                method, Pattern.compile(regex, Pattern.CASE_INSENSITIVE), directoryApi, permissions, handler));
    }

    private void handle(HttpExchange ex) {
        String requestId = UUID.randomUUID().toString();
        String clientRequestId = ex.getRequestHeaders().getFirst("client-request-id");
        if (clientRequestId == null || clientRequestId.isBlank()) {
            clientRequestId = requestId;
        }
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = ex.getRequestURI();
        String path = uri.getPath();
        int status = 500;
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            Reply reply;
            if (path.startsWith("/_simulator") || path.toLowerCase(Locale.ROOT).startsWith("/v1.0/_simulator")) {
                reply = control(method, path.substring(path.indexOf("/_simulator") + "/_simulator".length()), body);
            } else {
                reply = graph(ex, method, uri, body);
            }
            status = reply.status();
            write(ex, reply.status(), reply.body(), reply.headers(), requestId, clientRequestId);
        } catch (GraphError e) {
            status = e.status;
            writeError(ex, e, requestId, clientRequestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() while a delayed (fault) response was waiting
        } catch (Exception e) {
            log.warn("Graph simulator failed on {} {} (request-id {})", method, path, requestId, e);
            writeError(
                    ex,
                    new GraphError(500, "generalException", "An unspecified error has occurred."),
                    requestId,
                    clientRequestId);
        } finally {
            log.debug(
                    "{} {} -> {} (request-id {}, client-request-id {})",
                    method,
                    path,
                    status,
                    requestId,
                    clientRequestId);
            ex.close();
        }
    }

    private Reply graph(HttpExchange ex, String method, URI uri, byte[] body) throws InterruptedException {
        String path = uri.getPath();
        if (!path.regionMatches(true, 0, "/v1.0/", 0, 6)) {
            throw GraphError.badRequest("BadRequest", "Invalid version: the simulator serves /v1.0 only.");
        }
        String rawQuery = uri.getRawQuery();
        Faults.Fault fault = faults.next(method, path + (rawQuery == null ? "" : "?" + decode(rawQuery)));
        if (fault != null) {
            if (fault.delayMillis > 0) {
                Thread.sleep(fault.delayMillis);
            }
            if (fault.status != 0) {
                throw Faults.error(fault);
            }
        }
        Caller caller = Caller.fromAuthorization(ex.getRequestHeaders().getFirst("Authorization"), clock.instant());
        String relative = stripSlash(path.substring(5));
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            host = "localhost:" + port();
        }
        Call call = new Call(
                method,
                relative,
                uri.getRawPath(),
                rawQuery,
                parseQuery(rawQuery),
                body,
                caller,
                "http://" + host + "/v1.0");
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.pattern().matcher(relative);
            if (m.matches()) {
                pathKnown = true;
                if (r.method().equals(method)) {
                    if (r.permissions() != null) {
                        caller.requireAny(r.directoryApi(), r.permissions());
                    }
                    return r.handler().handle(call, m);
                }
            }
        }
        if (pathKnown) {
            throw new GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.");
        }
        throw GraphError.badRequest(
                "BadRequest", "Resource not found for the segment '" + lastSegment(relative) + "'.");
    }

    private static String stripSlash(String s) {
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String decode(String s) {
        return URLDecoder.decode(
                s, StandardCharsets.UTF_8); // '+' is a space, as in form encoding (curl -G --data-urlencode)
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return q;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            q.put(decode(name).toLowerCase(Locale.ROOT), decode(value));
        }
        return q;
    }

    private void write(
            HttpExchange ex,
            int status,
            JsonNode body,
            Map<String, String> headers,
            String requestId,
            String clientRequestId) {
        try {
            var h = ex.getResponseHeaders();
            h.set("request-id", requestId);
            h.set("client-request-id", clientRequestId);
            headers.forEach(h::set);
            if (body == null) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
            h.set("Content-Type", JSON_TYPE);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            log.debug("Could not write the response (client gone?): {}", e.toString());
        }
    }

    private void writeError(HttpExchange ex, GraphError e, String requestId, String clientRequestId) {
        ObjectNode body = Json.obj();
        ObjectNode error = body.putObject("error");
        error.put("code", e.code);
        error.put("message", e.getMessage());
        ObjectNode inner = error.putObject("innerError");
        if (e.status == 429) {
            // spec 8, Graph's throttling example: code, date, message, request-id, status (no client-request-id;
            // the caller's id is still echoed in the client-request-id header)
            inner.put("code", "429");
            inner.put("date", Json.innerErrorDate(clock.instant()));
            inner.put("message", "Please retry after");
            inner.put("request-id", requestId);
            inner.put("status", "429");
        } else {
            inner.put("date", Json.innerErrorDate(clock.instant()));
            inner.put("request-id", requestId);
            inner.put("client-request-id", clientRequestId);
        }
        write(ex, e.status, body, e.headers, requestId, clientRequestId);
    }

    // ------------------------------------------------------------------ control surface

    private Reply control(String method, String path, byte[] body) {
        String p = stripSlash(path.isEmpty() ? "/" : path).toLowerCase(Locale.ROOT);
        switch (method + " " + p) {
            case "GET /health" -> {
                ObjectNode j = Json.obj()
                        .put("status", "UP")
                        .put("tenantId", ContosoTenant.TENANT_ID)
                        .put("baseUrl", baseUrl());
                return Reply.of(200, j);
            }
            case "POST /faults" -> {
                return Reply.of(201, faults.add(controlBody(body)).toJson());
            }
            case "GET /faults" -> {
                return Reply.of(200, Json.obj().set("value", faults.list()));
            }
            case "DELETE /faults" -> {
                faults.clear();
                return Reply.of(204, null);
            }
            case "POST /reset" -> {
                reset();
                return Reply.of(204, null);
            }
            case "POST /tokens" -> {
                return Reply.of(201, mintToken(body.length == 0 ? Json.obj() : controlBody(body)));
            }
            default ->
                throw GraphError.badRequest(
                        "BadRequest",
                        "Unknown simulator control call " + method + " /_simulator" + path
                                + " (try GET health, POST|GET|DELETE faults, POST reset, POST tokens).");
        }
    }

    private static JsonNode controlBody(byte[] body) {
        try {
            return body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw GraphError.badRequest("BadRequest", "The body is not valid JSON.");
        }
    }

    /** {"oid": "...", "amr": ["pwd","mfa"], "acrs": ["c1"]} mints a delegated token; {} an app-only one. */
    private static ObjectNode mintToken(JsonNode body) {
        String oid = Json.text(body, "oid");
        SimulatorTokenCredential credential;
        if (oid == null) {
            credential = SimulatorTokenCredential.appOnly();
        } else {
            List<String> amr = new ArrayList<>();
            JsonNode a = Json.field(body, "amr");
            if (a != null && a.isArray()) {
                a.forEach(x -> amr.add(x.asText()));
            } else {
                amr.add("pwd");
            }
            credential = SimulatorTokenCredential.user(oid, amr.toArray(String[]::new));
        }
        JsonNode acrs = Json.field(body, "acrs");
        if (acrs != null && acrs.isArray()) {
            List<String> values = new ArrayList<>();
            acrs.forEach(x -> values.add(x.asText()));
            credential = credential.withClaim("acrs", values);
        }
        return Json.obj().put("token_type", "Bearer").put("expires_in", 3600).put("access_token", credential.token());
    }

    // ------------------------------------------------------------------ routes

    private static final String ID = "([^/]+)";
    private static final String KIND = "(roleEligibility|roleAssignment)";
    private static final String RM = "/roleManagement/directory/";

    private void defineRoutes() {
        // groups and users
        route("POST", "/groups", true, GROUP_WRITE_OR_CREATE, (c, m) -> createGroup(c));
        route("GET", "/groups", true, DIRECTORY_READ, (c, m) -> collection(c, "groups", state.groups()));
        route(
                "GET",
                "/groups/" + ID,
                true,
                DIRECTORY_READ,
                (c, m) -> entity("groups/$entity", state.group(m.group(1))));
        route("DELETE", "/groups/" + ID, true, GROUP_WRITE, (c, m) -> {
            state.deleteGroup(m.group(1));
            return Reply.of(204, null);
        });
        route(
                "GET",
                "/groups/" + ID + "/(members|owners)",
                true,
                DIRECTORY_READ,
                (c, m) -> collection(
                        c,
                        "directoryObjects",
                        state.groupMembers(m.group(1), m.group(2).equalsIgnoreCase("owners"))));
        route("POST", "/groups/" + ID + "/(members|owners)/\\$ref", true, GROUP_WRITE_AND_ROLES, (c, m) -> {
            state.addGroupReference(m.group(1), c.json(), m.group(2).equalsIgnoreCase("owners"));
            return Reply.of(204, null);
        });
        route(
                "DELETE",
                "/groups/" + ID + "/(members|owners)/" + ID + "/\\$ref",
                true,
                GROUP_WRITE_AND_ROLES,
                (c, m) -> {
                    state.removeGroupReference(
                            m.group(1), m.group(3), m.group(2).equalsIgnoreCase("owners"));
                    return Reply.of(204, null);
                });
        route("GET", "/users", true, DIRECTORY_READ, (c, m) -> collection(c, "users", state.users()));
        route("GET", "/users/" + ID, true, DIRECTORY_READ, (c, m) -> entity("users/$entity", state.user(m.group(1))));
        route(
                "GET",
                "/users/" + ID + "/(transitiveMemberOf|memberOf)",
                true,
                DIRECTORY_READ,
                (c, m) -> collection(c, "directoryObjects", state.transitiveMemberOf(m.group(1))));

        // role definitions and assignments
        route(
                "GET",
                RM + "roleDefinitions",
                false,
                ROLE_READ,
                (c, m) -> collection(c, "roleManagement/directory/roleDefinitions", state.roleDefinitions()));
        route(
                "GET",
                RM + "roleDefinitions/" + ID,
                false,
                ROLE_READ,
                (c, m) -> entity("roleManagement/directory/roleDefinitions/$entity", state.roleDefinition(m.group(1))));
        route(
                "GET",
                RM + "roleAssignments",
                false,
                ROLE_READ,
                (c, m) -> expanded(c, "roleManagement/directory/roleAssignments", state.roleAssignments(), false));
        route("GET", RM + "roleAssignments/" + ID, false, ROLE_READ, (c, m) -> {
            ObjectNode a = state.roleAssignments().stream()
                    .filter(x -> x.get("id").asText().equals(m.group(1)))
                    .findFirst()
                    .orElseThrow(() -> GraphError.notFound(m.group(1)));
            return entity("roleManagement/directory/roleAssignments/$entity", a);
        });

        // schedule requests
        route("POST", RM + KIND + "ScheduleRequests", false, null, (c, m) -> {
            Kind kind = kind(m.group(1));
            c.caller().requireAny(false, kind == Kind.ELIGIBILITY ? ELIGIBILITY_WRITE : ASSIGNMENT_WRITE);
            ObjectNode request = state.submit(kind, c.json(), c.caller()).toJson();
            return Reply.of(
                    201, withContext("roleManagement/directory/" + kind.prefix + "ScheduleRequests/$entity", request));
        });
        route("GET", RM + KIND + "ScheduleRequests/filterByCurrentUser\\(on='(\\w+)'\\)", false, null, (c, m) -> {
            Kind kind = readable(c, m.group(1));
            List<ObjectNode> mine = currentUser(c, m.group(2), state.requests(kind));
            return expanded(c, "roleManagement/directory/" + kind.prefix + "ScheduleRequests", mine, false);
        });
        route("GET", RM + KIND + "ScheduleRequests", false, null, (c, m) -> {
            Kind kind = readable(c, m.group(1));
            return expanded(
                    c, "roleManagement/directory/" + kind.prefix + "ScheduleRequests", state.requests(kind), false);
        });
        route("GET", RM + KIND + "ScheduleRequests/" + ID, false, null, (c, m) -> {
            Kind kind = readable(c, m.group(1));
            ObjectNode r = expand(c, state.request(kind, m.group(2)));
            return entity("roleManagement/directory/" + kind.prefix + "ScheduleRequests/$entity", r);
        });
        route("POST", RM + KIND + "ScheduleRequests/" + ID + "/cancel", false, null, (c, m) -> {
            Kind kind = kind(m.group(1));
            c.caller().requireAny(false, kind == Kind.ELIGIBILITY ? ELIGIBILITY_WRITE : ASSIGNMENT_WRITE);
            state.cancel(kind, m.group(2));
            return Reply.of(204, null);
        });

        // schedules and instances
        for (String suffix : List.of("Schedules", "ScheduleInstances")) {
            boolean instances = suffix.equals("ScheduleInstances");
            route("GET", RM + KIND + suffix + "/filterByCurrentUser\\(on='(\\w+)'\\)", false, null, (c, m) -> {
                Kind kind = readable(c, m.group(1));
                List<ObjectNode> mine =
                        currentUser(c, m.group(2), instances ? state.instances(kind) : state.schedules(kind));
                String type = "unifiedRole" + (kind == Kind.ELIGIBILITY ? "Eligibility" : "Assignment")
                        + suffix.substring(0, suffix.length() - 1);
                mine.forEach(i -> {
                    ObjectNode copy = i.deepCopy();
                    i.removeAll();
                    i.put("@odata.type", "#microsoft.graph." + type);
                    i.setAll(copy);
                });
                return expanded(c, "Collection(" + type + ")", mine, true);
            });
            route("GET", RM + KIND + suffix, false, null, (c, m) -> {
                Kind kind = readable(c, m.group(1));
                return expanded(
                        c,
                        "roleManagement/directory/" + kind.prefix + suffix,
                        instances ? state.instances(kind) : state.schedules(kind),
                        false);
            });
        }

        // policies
        route("GET", "/policies/roleManagementPolicyAssignments", false, POLICY_READ, (c, m) -> policyAssignments(c));
        route("GET", "/policies/roleManagementPolicyAssignments/" + ID, false, POLICY_READ, (c, m) -> {
            String id = m.group(1);
            String scopeType = id.startsWith("Directory_") ? "Directory" : "DirectoryRole";
            boolean[] exp = policyExpansion(c.query("$expand"), "policy");
            ObjectNode a = state.policyAssignments(scopeType, exp[0], exp[1]).stream()
                    .filter(x -> x.get("id").asText().equalsIgnoreCase(id))
                    .findFirst()
                    .orElseThrow(() -> GraphError.notFound(id));
            return entity("policies/roleManagementPolicyAssignments/$entity", a);
        });
        route("GET", "/policies/roleManagementPolicies", false, POLICY_READ, (c, m) -> {
            String scopeType = requireScopeFilter(c);
            boolean rules = policyExpansion(c.query("$expand"), "rules")[0];
            return collection(
                    c,
                    "policies/roleManagementPolicies" + (rules ? "(rules())" : ""),
                    state.policies(scopeType, rules));
        });
        route("GET", "/policies/roleManagementPolicies/" + ID, false, POLICY_READ, (c, m) -> {
            boolean rules = policyExpansion(c.query("$expand"), "rules")[0];
            return entity("policies/roleManagementPolicies/$entity", state.policyById(m.group(1), rules));
        });
        route(
                "GET",
                "/policies/roleManagementPolicies/" + ID + "/rules",
                false,
                POLICY_READ,
                (c, m) -> collection(
                        c, "policies/roleManagementPolicies('" + m.group(1) + "')/rules", state.rules(m.group(1))));
        route(
                "GET",
                "/policies/roleManagementPolicies/" + ID + "/rules/" + ID,
                false,
                POLICY_READ,
                (c, m) -> entity(
                        "policies/roleManagementPolicies('" + m.group(1) + "')/rules/$entity",
                        state.rule(m.group(1), m.group(2))));
        route("PATCH", "/policies/roleManagementPolicies/" + ID + "/rules/" + ID, false, POLICY_WRITE, (c, m) -> {
            state.patchRule(m.group(1), m.group(2), c.json(), c.caller());
            return Reply.of(204, null);
        });
    }

    private static final String[] GROUP_WRITE_OR_CREATE = {
        "Group.ReadWrite.All", "Group.Create", "Directory.ReadWrite.All"
    };
    /** Membership of role-assignable groups needs RoleManagement.ReadWrite.Directory ("Group.ReadWrite.All won't work"). */
    private static final String[] GROUP_WRITE_AND_ROLES = {"RoleManagement.ReadWrite.Directory"};

    private Reply createGroup(Call c) {
        JsonNode body = c.json();
        if (Json.bool(body, "isAssignableToRole", false)) {
            c.caller().requireAny(true, "RoleManagement.ReadWrite.Directory");
        }
        ObjectNode g = state.createGroup(body, clock.instant());
        ObjectNode out = Json.obj();
        out.put("@odata.context", Json.CONTEXT_BASE + "groups/$entity");
        out.put(
                "@odata.id",
                "https://graph.microsoft.com/v2/" + ContosoTenant.TENANT_ID + "/directoryObjects/"
                        + g.get("id").asText() + "/Microsoft.DirectoryServices.Group");
        out.setAll(g);
        return Reply.of(201, out);
    }

    private static Kind kind(String prefix) {
        return prefix.equalsIgnoreCase("roleEligibility") ? Kind.ELIGIBILITY : Kind.ASSIGNMENT;
    }

    private static Kind readable(Call c, String prefix) {
        Kind kind = kind(prefix);
        c.caller().requireAny(false, kind == Kind.ELIGIBILITY ? ELIGIBILITY_READ : ASSIGNMENT_READ);
        return kind;
    }

    /** filterByCurrentUser(on='principal'): the caller's own items, not those reached through groups. */
    private static List<ObjectNode> currentUser(Call c, String on, List<ObjectNode> items) {
        if (!on.equalsIgnoreCase("principal")) {
            throw GraphError.badRequest(
                    "notSupported", "The simulator supports filterByCurrentUser(on='principal') only.");
        }
        if (c.caller().appOnly()) {
            throw GraphError.badRequest(
                    "BadRequest", "filterByCurrentUser needs a signed-in user (a delegated token).");
        }
        return new ArrayList<>(items.stream()
                .filter(i -> c.caller().oid().equalsIgnoreCase(Json.text(i, "principalId")))
                .toList());
    }

    private Reply policyAssignments(Call c) {
        String scopeType = requireScopeFilter(c);
        boolean[] exp = policyExpansion(c.query("$expand"), "policy");
        String context = "policies/roleManagementPolicyAssignments"
                + (exp[0] ? (exp[1] ? "(policy(rules()))" : "(policy())") : "");
        return collection(c, context, state.policyAssignments(scopeType, exp[0], exp[1]));
    }

    /** Graph requires the scope filter on policies and policy assignments (spec 5.1). */
    private static String requireScopeFilter(Call c) {
        Map<String, String> eq = ODataFilter.parse(c.query("$filter")).equalities();
        String scopeId = eq.get("scopeid");
        String scopeType = eq.get("scopetype");
        if (!"/".equals(scopeId)
                || scopeType == null
                || !(scopeType.equalsIgnoreCase("Directory") || scopeType.equalsIgnoreCase("DirectoryRole"))) {
            throw GraphError.badRequest(
                    "BadRequest",
                    "The $filter must include scopeId eq '/' and scopeType eq 'Directory' or 'DirectoryRole'.");
        }
        return scopeType.equalsIgnoreCase("Directory") ? "Directory" : "DirectoryRole";
    }

    /** [expand the first level, expand rules below it] for "policy($expand=rules)" or "rules". */
    private static boolean[] policyExpansion(String expand, String top) {
        if (expand == null || expand.isBlank()) {
            return new boolean[] {false, false};
        }
        for (String item : splitTopLevel(expand)) {
            String name =
                    item.contains("(") ? item.substring(0, item.indexOf('(')).trim() : item.trim();
            if (name.equalsIgnoreCase(top)) {
                String nested = item.contains("(") ? item.substring(item.indexOf('(') + 1) : "";
                return new boolean[] {true, nested.toLowerCase(Locale.ROOT).contains("rules")};
            }
            if (!name.equals("*")) {
                throw GraphError.badRequest("BadRequest", "Could not find a property named '" + name + "' to expand.");
            }
            return new boolean[] {true, true};
        }
        return new boolean[] {false, false};
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** $expand=roleDefinition,principal on requests, schedules, instances and roleAssignments. */
    private Set<String> expansions(Call c) {
        Set<String> names = new LinkedHashSet<>();
        String expand = c.query("$expand");
        if (expand == null || expand.isBlank()) {
            return names;
        }
        for (String item : splitTopLevel(expand)) {
            String name = (item.contains("(") ? item.substring(0, item.indexOf('(')) : item).trim();
            if (name.equalsIgnoreCase("roleDefinition")) {
                names.add("roleDefinition");
            } else if (name.equalsIgnoreCase("principal")) {
                names.add("principal");
            } else {
                throw GraphError.badRequest("BadRequest", "Could not find a property named '" + name + "' to expand.");
            }
        }
        return names;
    }

    private ObjectNode expand(Call c, ObjectNode item) {
        for (String name : expansions(c)) {
            if (name.equals("roleDefinition")) {
                item.set(name, state.roleDefinition(Json.text(item, "roleDefinitionId")));
            } else {
                item.set(name, state.principal(Json.text(item, "principalId")));
            }
        }
        return item;
    }

    private Reply expanded(Call c, String context, List<ObjectNode> items, boolean contextIsCollection) {
        Set<String> names = expansions(c);
        String ctx = context;
        if (!names.isEmpty() && !contextIsCollection) {
            ctx += "(" + String.join(",", names.stream().map(n -> n + "()").toList()) + ")";
        }
        List<ObjectNode> filtered = filter(c, items);
        filtered.forEach(i -> expand(c, i));
        return page(c, ctx, filtered);
    }

    private Reply collection(Call c, String context, List<ObjectNode> items) {
        return page(c, context, filter(c, items));
    }

    private static List<ObjectNode> filter(Call c, List<ObjectNode> items) {
        ODataFilter f = ODataFilter.parse(c.query("$filter"));
        return items.stream().filter(f::matches).toList();
    }

    /** One page of a collection; {@code @odata.nextLink} carries the rest of the caller's query plus a skip token. */
    private Reply page(Call c, String context, List<ObjectNode> items) {
        int size = pageSize;
        String top = c.query("$top");
        if (top != null) {
            try {
                size = Math.max(1, Math.min(999, Integer.parseInt(top.trim())));
            } catch (NumberFormatException e) {
                throw GraphError.badRequest("BadRequest", "Invalid $top value '" + top + "'.");
            }
        }
        int offset = 0;
        String token = c.query("$skiptoken");
        if (token != null) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                offset = Integer.parseInt(decoded.substring(decoded.indexOf('=') + 1));
            } catch (RuntimeException e) {
                throw GraphError.badRequest("BadRequest", "Invalid $skiptoken.");
            }
        }
        ObjectNode body = Json.obj();
        body.put("@odata.context", Json.CONTEXT_BASE + context);
        if ("true".equalsIgnoreCase(c.query("$count"))) {
            body.put("@odata.count", items.size());
        }
        int end = Math.min(items.size(), offset + size);
        if (end < items.size()) {
            String next = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("offset=" + end).getBytes(StandardCharsets.UTF_8));
            StringBuilder link = new StringBuilder(c.linkBase())
                    .append(c.rawPath().substring(5))
                    .append('?');
            if (c.rawQuery() != null) {
                for (String pair : c.rawQuery().split("&")) {
                    String name = decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
                    if (!name.equalsIgnoreCase("$skiptoken") && !pair.isEmpty()) {
                        link.append(pair).append('&');
                    }
                }
            }
            body.put("@odata.nextLink", link.append("$skiptoken=").append(next).toString());
        }
        var value = body.putArray("value");
        for (int i = Math.min(offset, items.size()); i < end; i++) {
            value.add(items.get(i));
        }
        return Reply.of(200, body);
    }

    private static Reply entity(String context, ObjectNode item) {
        return Reply.of(200, withContext(context, item));
    }

    private static ObjectNode withContext(String context, ObjectNode item) {
        ObjectNode out = Json.obj();
        out.put("@odata.context", Json.CONTEXT_BASE + context);
        out.setAll(item);
        return out;
    }
}
