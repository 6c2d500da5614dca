package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.HELPDESK_GROUP_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static dev.pimflow.pim.simulator.GraphHttp.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import dev.pimflow.pim.simulator.RoleSchedules.ScheduleRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's schedule and request indexes answer what a scan of its listings answers, with thousands of
 * assignments at different scopes and ends. Driven through {@link TenantState#submit}, {@code cancel}, {@code request},
 * {@code instances} and {@code transitiveMemberOf}, the methods the HTTP routes call (thousands of HTTP round trips
 * would only make the test slow); one test goes through HTTP as well. No timing assertions.
 */
class SimulatorScalesWithAssignmentsTest {

    private static final String HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
    private static final String SECURITY_ADMINISTRATOR = "194ae4cb-b126-40b2-bd5b-6091b380977d";
    private static final String GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
    private static final List<String> PRINCIPALS = List.of(ADMIN_ID, ALINE_ID, BOB_ID);
    private static final List<String> ROLES =
            List.of(USER_ADMINISTRATOR_ROLE_ID, HELPDESK_ADMINISTRATOR, SECURITY_ADMINISTRATOR, GLOBAL_READER);
    private static final Caller APP =
            new Caller(true, null, "app-id", "Scale test", List.of(), List.of(), Set.of(), false);

    private final Random random = new Random(42);
    private MutableClock clock;
    private TenantState state;

    /** An assignment schedule as the test expects it. */
    private record Expected(String id, String principal, String role, String scope, Instant start, Instant end) {
        boolean current(Instant now) {
            return !start.isAfter(now) && (end == null || end.isAfter(now));
        }
    }

    /**
     * The assignment schedules the listing must show, in its order (insertion order, an update or extension in
     * place), kept by the test with plain list operations; the scans below run over it.
     */
    private final List<Expected> expected = new ArrayList<>();

    @BeforeEach
    void seed() {
        clock = new MutableClock(Instant.parse("2031-03-01T08:00:00Z"));
        state = new TenantState(ContosoTenant.TENANT_ID, clock);
        ContosoTenant.seed(state);
        for (JsonNode s :
                state.schedules(Kind.ASSIGNMENT)) { // the admin's Global Administrator, since long ago, no end
            expected.add(new Expected(
                    s.get("id").asText(),
                    s.get("principalId").asText(),
                    s.get("roleDefinitionId").asText(),
                    s.get("directoryScopeId").asText(),
                    Instant.MIN,
                    null));
        }
    }

    @Test
    void indexesAgreeWithAScanThroughAssignRemoveExtendCancelAndExpiry() {
        List<String[]> keys = new ArrayList<>(); // principal, role, scope
        for (int i = 0; i < 3000; i++) {
            String scope = switch (i % 50) {
                case 0 -> "/";
                case 1 -> null; // appScopeId only
                default -> "/administrativeUnits/" + UUID.randomUUID();
            };
            keys.add(new String[] {
                PRINCIPALS.get(i % 3), ROLES.get(random.nextInt(i % 7 == 0 ? ROLES.size() : 1)), scope
            });
        }
        for (String[] k : keys) {
            String duration = random.nextInt(10) == 0 ? null : "PT" + (1 + random.nextInt(72)) + "H";
            Instant start =
                    random.nextInt(40) == 0 ? clock.instant().plus(Duration.ofHours(1 + random.nextInt(5))) : null;
            submitAndCheck("adminAssign", k[0], k[1], variant(k[2]), duration, start);
            clock.advance(Duration.ofSeconds(1));
        }
        // scopes equal ignoring case where toLowerCase (whole string or per char) differs: a capital sigma, a final
        // sigma, a dotted capital I; and supplementary characters (compared by code point), which the index leaves
        // to a scan
        for (String scope : List.of(
                "/administrativeUnits/\u0391\u03a3",
                "/administrativeUnits/final-\u03c2",
                "/administrativeUnits/\u0130",
                "/administrativeUnits/\ud801\udc00")) {
            assertThat(submitAndCheck("adminAssign", BOB_ID, GLOBAL_READER, scope, "PT90H", null))
                    .isNull();
            keys.add(new String[] {BOB_ID, GLOBAL_READER, scope});
        }
        checkEverything();

        // the same keys again, in other cases: RoleAssignmentExists, exactly where a scan finds a covering schedule
        for (int i = 0; i < 300; i++) {
            String[] k = keys.get(random.nextInt(keys.size()));
            submitAndCheck("adminAssign", variant(k[0]), k[1].toUpperCase(Locale.ROOT), variant(k[2]), "PT1H", null);
        }
        // equal ignoring case, though their toLowerCase differ
        assertThat(submitAndCheck(
                        "adminAssign", BOB_ID, GLOBAL_READER, "/administrativeunits/\u03b1\u03c3", "PT1H", null))
                .isEqualTo("RoleAssignmentExists");
        assertThat(submitAndCheck("adminAssign", BOB_ID, GLOBAL_READER, "/administrativeunits/i", "PT1H", null))
                .isEqualTo("RoleAssignmentExists");
        assertThat(submitAndCheck(
                        "adminAssign", BOB_ID, GLOBAL_READER, "/administrativeunits/FINAL-\u03c3", "PT1H", null))
                .isEqualTo("RoleAssignmentExists");
        submitAndCheck("adminAssign", BOB_ID, GLOBAL_READER, "/administrativeUnits/\ud801\udc28", "PT1H", null);
        checkEverything();

        // remove a third, some twice (RoleAssignmentDoesNotExist the second time)
        for (int i = 0; i < 1200; i++) {
            String[] k = keys.get(random.nextInt(keys.size()));
            submitAndCheck("adminRemove", variant(k[0]), k[1], variant(k[2]), null, null);
        }
        checkEverything();

        // extend and update: a new schedule in the old one's place
        for (int i = 0; i < 20; i++) {
            String[] k = keys.get(random.nextInt(keys.size()));
            submitAndCheck(i % 2 == 0 ? "adminExtend" : "adminUpdate", k[0], k[1], variant(k[2]), "PT100H", null);
        }
        checkEverything();

        // cancel the assignments that have not started yet, by request id in upper case
        int canceled = 0;
        Set<String> scheduled = new HashSet<>();
        expected.forEach(e -> scheduled.add(e.id()));
        for (JsonNode r : state.requests(Kind.ASSIGNMENT)) {
            if (r.get("status").asText().equals("Granted")
                    && scheduled.contains(r.get("targetScheduleId").asText())) {
                state.cancel(Kind.ASSIGNMENT, r.get("id").asText().toUpperCase(Locale.ROOT));
                expected.removeIf(e -> e.id().equals(r.get("targetScheduleId").asText()));
                assertThat(state.request(Kind.ASSIGNMENT, r.get("id").asText())
                                .get("status")
                                .asText())
                        .isEqualTo("Canceled");
                GraphError again = catchThrowableOfType(
                        () -> state.cancel(Kind.ASSIGNMENT, r.get("id").asText()), GraphError.class);
                assertThat(again.code).isEqualTo("InvalidRoleAssignmentRequest");
                if (++canceled == 10) {
                    break;
                }
            }
        }
        assertThat(canceled).isPositive();
        checkEverything();

        // time passes: schedules end, future ones start
        for (int hours : new int[] {2, 5, 11, 30, 80}) {
            clock.set(Instant.parse("2031-03-01T08:00:00Z").plus(Duration.ofHours(hours)));
            checkEverything();
            for (int i = 0; i < 100; i++) { // and the keys of ended schedules can be assigned again
                String[] k = keys.get(random.nextInt(keys.size()));
                submitAndCheck("adminAssign", k[0], k[1], k[2], "PT3H", null);
            }
            checkEverything();
        }
    }

    @Test
    void directoryRolesOfTransitiveMemberOfKeepTheOrderOfAScan() {
        String s1 = "/administrativeUnits/" + UUID.randomUUID();
        String s2 = "/administrativeUnits/" + UUID.randomUUID();
        String s3 = "/administrativeUnits/" + UUID.randomUUID();
        submitAndCheck("adminAssign", BOB_ID, HELPDESK_ADMINISTRATOR, s1, "PT1H", null);
        submitAndCheck("adminAssign", BOB_ID, SECURITY_ADMINISTRATOR, s2, "PT2H", null);
        submitAndCheck("adminAssign", BOB_ID, HELPDESK_ADMINISTRATOR, s3, "PT3H", null);
        submitAndCheck(
                "adminAssign", BOB_ID, GLOBAL_READER, s1, null, clock.instant().plus(Duration.ofMinutes(30)));
        assertThat(directoryRoles(BOB_ID)).containsExactly(HELPDESK_ADMINISTRATOR, SECURITY_ADMINISTRATOR);

        submitAndCheck("adminRemove", BOB_ID, HELPDESK_ADMINISTRATOR, s1.toUpperCase(Locale.ROOT), null, null);
        assertThat(directoryRoles(BOB_ID)).containsExactly(SECURITY_ADMINISTRATOR, HELPDESK_ADMINISTRATOR);

        clock.advance(Duration.ofMinutes(45)); // Global Reader starts, after the others in the listing
        assertThat(directoryRoles(BOB_ID))
                .containsExactly(SECURITY_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, GLOBAL_READER);

        clock.advance(Duration.ofMinutes(90)); // Security Administrator ends
        assertThat(directoryRoles(BOB_ID)).containsExactly(HELPDESK_ADMINISTRATOR, GLOBAL_READER);
        checkEverything();
    }

    @Test
    void roleAdministrationPendingActivationsAndGroupDeletionUseTheIndexes() {
        Caller admin = new Caller(false, ADMIN_ID, null, null, List.of("pwd", "mfa"), List.of(), Set.of(), false);
        Caller bob = new Caller(false, BOB_ID, null, null, List.of("pwd", "mfa"), List.of(), Set.of(), false);
        Caller aline = new Caller(false, ALINE_ID, null, null, List.of("pwd", "mfa"), List.of(), Set.of(), false);
        for (int i = 0; i < 500; i++) {
            submitAndCheck(
                    "adminAssign",
                    PRINCIPALS.get(i % 3),
                    USER_ADMINISTRATOR_ROLE_ID,
                    "/administrativeUnits/" + UUID.randomUUID(),
                    "PT4H",
                    null);
        }

        // a delegated admin write needs Global or Privileged Role Administrator at "/" (the admin's is seeded)
        assertThat(submitAndCheck(admin, "adminAssign", BOB_ID, GLOBAL_READER, "/x", "PT1H", null))
                .isNull();
        assertThat(catchThrowableOfType(
                                () -> state.submit(
                                        Kind.ASSIGNMENT,
                                        body("adminAssign", BOB_ID, GLOBAL_READER, "/y", "PT1H", null),
                                        bob),
                                GraphError.class)
                        .status)
                .isEqualTo(403);
        submitAndCheck(
                "adminAssign",
                BOB_ID,
                BuiltInRoles.PRIVILEGED_ROLE_ADMINISTRATOR,
                "/administrativeUnits/z",
                "PT1H",
                null);
        assertThat(catchThrowableOfType(
                                () -> state.submit(
                                        Kind.ASSIGNMENT,
                                        body("adminAssign", BOB_ID, GLOBAL_READER, "/y", "PT1H", null),
                                        bob),
                                GraphError.class)
                        .status)
                .isEqualTo(403); // not at "/"
        submitAndCheck(
                "adminAssign",
                BOB_ID.toUpperCase(Locale.ROOT),
                BuiltInRoles.PRIVILEGED_ROLE_ADMINISTRATOR,
                "/",
                "PT1H",
                null);
        assertThat(submitAndCheck(bob, "adminAssign", BOB_ID, GLOBAL_READER, "/y", "PT1H", null))
                .isNull();

        // activations that need approval: one pending request per (principal, role, scope) at a time
        ObjectNode approval = state.policy(USER_ADMINISTRATOR_ROLE_ID).rules.get("Approval_EndUser_Assignment");
        ((ObjectNode) approval.get("setting")).put("isApprovalRequired", true);
        String scope = "/administrativeUnits/" + UUID.randomUUID();
        ScheduleRequest pending = state.submit(Kind.ASSIGNMENT, activation(scope), aline);
        assertThat(pending.status).isEqualTo("PendingApproval");
        assertThat(pendingByScan(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, scope)).isTrue();
        assertThatThrownBy(() -> state.submit(Kind.ASSIGNMENT, activation(scope.toUpperCase(Locale.ROOT)), aline))
                .isInstanceOfSatisfying(
                        GraphError.class, e -> assertThat(e.code).isEqualTo("PendingRoleAssignmentRequest"));
        ScheduleRequest elsewhere = state.submit(Kind.ASSIGNMENT, activation(scope + "-other"), aline);
        assertThat(elsewhere.status).isEqualTo("PendingApproval");
        state.cancel(Kind.ASSIGNMENT, pending.id);
        assertThat(pendingByScan(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, scope)).isFalse();
        assertThat(state.submit(Kind.ASSIGNMENT, activation(scope), aline).status)
                .isEqualTo("PendingApproval");
        assertThatThrownBy(() -> state.submit(Kind.ASSIGNMENT, activation(scope + "-OTHER"), aline))
                .isInstanceOfSatisfying(
                        GraphError.class, e -> assertThat(e.code).isEqualTo("PendingRoleAssignmentRequest"));

        // without approval the activation uses the group's eligibility at "/"
        ((ObjectNode) approval.get("setting")).put("isApprovalRequired", false);
        String active = "/administrativeUnits/" + UUID.randomUUID();
        ScheduleRequest activated = state.submit(Kind.ASSIGNMENT, activation(active), aline);
        assertThat(activated.status).isEqualTo("Provisioned");
        expected.add(new Expected(
                activated.id,
                ALINE_ID,
                USER_ADMINISTRATOR_ROLE_ID,
                active,
                clock.instant(),
                clock.instant().plus(Duration.ofHours(1))));
        checkEverything();

        // a deleted group takes its schedules with it
        for (int i = 0; i < 50; i++) {
            submitAndCheck("adminAssign", HELPDESK_GROUP_ID, GLOBAL_READER, "/administrativeUnits/g" + i, "PT5H", null);
        }
        state.deleteGroup(HELPDESK_GROUP_ID.toUpperCase(Locale.ROOT));
        expected.removeIf(e -> e.principal().equalsIgnoreCase(HELPDESK_GROUP_ID));
        checkEverything();
        assertThat(state.schedules(Kind.ASSIGNMENT))
                .noneMatch(s -> s.get("principalId").asText().equalsIgnoreCase(HELPDESK_GROUP_ID));
        assertThat(state.schedules(Kind.ELIGIBILITY)).isEmpty();
        assertThatThrownBy(() -> state.submit(Kind.ASSIGNMENT, activation(active + "2"), aline))
                .isInstanceOfSatisfying(
                        GraphError.class, e -> assertThat(e.getMessage()).contains("EligibilityRule"));
    }

    @Test
    void overHttpTheListingsAndLookupsAgreeToo() {
        MutableClock httpClock = new MutableClock(Instant.now());
        try (GraphSimulator simulator = GraphSimulator.start(0, httpClock, 20)) {
            GraphHttp http = new GraphHttp(simulator.baseUrl());
            String app = new SimulatorTokenCredential().withClock(httpClock).token();
            String rm = "/roleManagement/directory/";
            List<String> scopes = new ArrayList<>();
            List<String> requestIds = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String scope = "/administrativeUnits/" + UUID.randomUUID();
                scopes.add(scope);
                GraphHttp.Response r = http.post(
                        rm + "roleAssignmentScheduleRequests",
                        app,
                        body("adminAssign", BOB_ID, USER_ADMINISTRATOR_ROLE_ID, scope, "PT" + (1 + i % 4) + "H", null)
                                .toString());
                assertThat(r.status()).isEqualTo(201);
                requestIds.add(r.body().get("id").asText());
            }
            for (int i = 0; i < 60; i += 3) {
                GraphHttp.Response r = http.post(
                        rm + "roleAssignmentScheduleRequests",
                        app,
                        body(
                                        "adminRemove",
                                        BOB_ID,
                                        USER_ADMINISTRATOR_ROLE_ID,
                                        scopes.get(i).toUpperCase(Locale.ROOT),
                                        null,
                                        null)
                                .toString());
                assertThat(r.status()).isEqualTo(201);
            }
            GraphHttp.Response again = http.post(
                    rm + "roleAssignmentScheduleRequests",
                    app,
                    body("adminRemove", BOB_ID, USER_ADMINISTRATOR_ROLE_ID, scopes.get(0), null, null)
                            .toString());
            assertThat(again.body().at("/error/code").asText()).isEqualTo("RoleAssignmentDoesNotExist");
            GraphHttp.Response exists = http.post(
                    rm + "roleAssignmentScheduleRequests",
                    app,
                    body(
                                    "adminAssign",
                                    BOB_ID,
                                    USER_ADMINISTRATOR_ROLE_ID,
                                    scopes.get(1).toUpperCase(Locale.ROOT),
                                    "PT1H",
                                    null)
                            .toString());
            assertThat(exists.body().at("/error/code").asText()).isEqualTo("RoleAssignmentExists");

            httpClock.advance(Duration.ofMinutes(90)); // the PT1H ones end
            app = new SimulatorTokenCredential().withClock(httpClock).token();
            List<String> remaining = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                if (i % 3 != 0 && i % 4 != 0) { // not removed, not one hour long
                    remaining.add(scopes.get(i));
                }
            }
            List<String> listed = new ArrayList<>();
            String next = rm + "roleAssignmentScheduleInstances?$filter=" + q("principalId eq '" + BOB_ID + "'");
            while (next != null) {
                JsonNode page = http.get(next, app).body();
                page.get("value")
                        .forEach(v -> listed.add(v.get("directoryScopeId").asText()));
                next = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
            }
            assertThat(listed).containsExactlyElementsOf(remaining);
            JsonNode member = http.get("/users/" + BOB_ID.toUpperCase(Locale.ROOT) + "/transitiveMemberOf", app)
                    .body();
            assertThat(member.findValuesAsText("roleTemplateId")).containsExactly(USER_ADMINISTRATOR_ROLE_ID);
            for (String id : requestIds.subList(0, 20)) {
                JsonNode r = http.get(rm + "roleAssignmentScheduleRequests/" + id.toUpperCase(Locale.ROOT), app)
                        .body();
                assertThat(r.get("id").asText()).isEqualTo(id);
            }
            assertThat(http.get(rm + "roleAssignmentScheduleRequests/" + UUID.randomUUID(), app)
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void printsHowLongTwentyThousandAssignmentsTake() {
        int n = 20_000;
        List<String> scopes = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String scope = "/administrativeUnits/" + UUID.randomUUID();
            scopes.add(scope);
            state.submit(
                    Kind.ASSIGNMENT,
                    body("adminAssign", PRINCIPALS.get(i % 3), USER_ADMINISTRATOR_ROLE_ID, scope, "PT8H", null),
                    APP);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            state.transitiveMemberOf(PRINCIPALS.get(i % 3));
            state.submit(
                    Kind.ASSIGNMENT,
                    body("adminRemove", PRINCIPALS.get(i % 3), USER_ADMINISTRATOR_ROLE_ID, scopes.get(i), null, null),
                    APP);
        }
        long t2 = System.nanoTime();
        System.out.printf(
                "SimulatorScalesWithAssignmentsTest: %d adminAssign in %d ms; %d transitiveMemberOf + adminRemove in %d ms%n",
                n, (t1 - t0) / 1_000_000, n, (t2 - t1) / 1_000_000);
        assertThat(state.instances(Kind.ASSIGNMENT)).hasSize(1); // the seeded Global Administrator
    }

    // ------------------------------------------------------------------ driving and scanning

    private String submitAndCheck(
            String action, String principal, String role, String scope, String duration, Instant start) {
        return submitAndCheck(APP, action, principal, role, scope, duration, start);
    }

    /**
     * Submits through the simulator, checks its answer against a scan of the expected schedules (the lazy expiry
     * applied first), and keeps them up to date. Returns the error code, or null.
     */
    private String submitAndCheck(
            Caller caller, String action, String principal, String role, String scope, String duration, Instant start) {
        Instant now = clock.instant();
        expected.removeIf(e -> e.end() != null && !e.end().isAfter(now));
        List<Expected> before = coveringByScan(principal, role, scope);
        boolean removes = action.equals("adminRemove");
        boolean assigns = action.equals("adminAssign");
        String context = action + " " + principal + " " + role + " " + scope;
        try {
            ScheduleRequest r =
                    state.submit(Kind.ASSIGNMENT, body(action, principal, role, scope, duration, start), caller);
            assertThat(assigns ? before.isEmpty() : !before.isEmpty())
                    .as(context)
                    .isTrue();
            assertThat(state.request(Kind.ASSIGNMENT, r.id).toString())
                    .isEqualTo(r.toJson().toString());
            Instant from = start != null ? start : now;
            Instant end = duration == null ? null : from.plus(Duration.parse(duration));
            if (assigns) {
                expected.add(new Expected(r.id, r.principalId, r.roleDefinitionId, scope, from, end));
            } else if (removes) {
                expected.removeAll(before);
            } else { // update or extend: the first covering schedule is replaced in place
                Expected old = before.get(0);
                expected.set(
                        expected.indexOf(old), new Expected(r.id, old.principal(), old.role(), old.scope(), from, end));
            }
            assertThat(coveringByScan(principal, role, scope)).hasSize(removes ? 0 : 1);
            return null;
        } catch (GraphError e) {
            assertThat(e.code).as(context).isEqualTo(assigns ? "RoleAssignmentExists" : "RoleAssignmentDoesNotExist");
            assertThat(assigns ? !before.isEmpty() : before.isEmpty())
                    .as(context)
                    .isTrue();
            return e.code;
        }
    }

    /** Listings against the expected schedules, request lookups against the request log, directory roles against a scan. */
    private void checkEverything() {
        Instant now = clock.instant();
        expected.removeIf(e -> e.end() != null && !e.end().isAfter(now));
        List<ObjectNode> schedules = state.schedules(Kind.ASSIGNMENT);
        assertThat(schedules.stream().map(s -> s.get("id").asText()).toList())
                .isEqualTo(expected.stream().map(Expected::id).toList());
        for (int i = 0; i < schedules.size(); i++) {
            JsonNode s = schedules.get(i);
            Expected e = expected.get(i);
            assertThat(s.get("principalId").asText()).isEqualTo(e.principal());
            assertThat(s.get("roleDefinitionId").asText()).isEqualTo(e.role());
            assertThat(
                            s.get("directoryScopeId").isNull()
                                    ? null
                                    : s.get("directoryScopeId").asText())
                    .isEqualTo(e.scope());
        }
        List<String> current =
                expected.stream().filter(e -> e.current(now)).map(Expected::id).toList();
        assertThat(state.instances(Kind.ASSIGNMENT).stream()
                        .map(i -> i.get("roleAssignmentScheduleId").asText())
                        .toList())
                .isEqualTo(current);
        assertThat(state.roleAssignments()).hasSize(current.size());
        for (String principal : PRINCIPALS) {
            List<String> roles = directoryRolesByScan(principal);
            assertThat(directoryRoles(principal)).isEqualTo(roles);
            assertThat(directoryRoles(principal.toUpperCase(Locale.ROOT))).isEqualTo(roles);
        }
        for (JsonNode r : state.requests(Kind.ASSIGNMENT)) {
            String id = r.get("id").asText();
            assertThat(state.request(Kind.ASSIGNMENT, id.toUpperCase(Locale.ROOT))
                            .toString())
                    .isEqualTo(r.toString());
        }
        GraphError missing = catchThrowableOfType(
                () -> state.request(Kind.ASSIGNMENT, UUID.randomUUID().toString()), GraphError.class);
        assertThat(missing.status).isEqualTo(404);
    }

    private List<String> directoryRoles(String principal) {
        return state.transitiveMemberOf(principal).stream()
                .filter(j -> j.get("@odata.type").asText().equals("#microsoft.graph.directoryRole"))
                .map(j -> j.get("roleTemplateId").asText())
                .toList();
    }

    /** What transitiveMemberOf did before the index: the roles of the current assignments, first seen first. */
    private List<String> directoryRolesByScan(String principal) {
        Instant now = clock.instant();
        Set<String> seen = new LinkedHashSet<>();
        for (Expected e : expected) {
            if (e.current(now) && e.principal().equalsIgnoreCase(principal)) {
                seen.add(e.role());
            }
        }
        return List.copyOf(seen);
    }

    /** What Schedule.covers answers, for each expected schedule. */
    private List<Expected> coveringByScan(String principal, String role, String scope) {
        return expected.stream()
                .filter(e -> e.principal().equalsIgnoreCase(principal)
                        && e.role().equalsIgnoreCase(role)
                        && RoleSchedules.scopesEqual(e.scope(), scope))
                .toList();
    }

    private boolean pendingByScan(String principal, String role, String scope) {
        return state.requests(Kind.ASSIGNMENT).stream()
                .anyMatch(r -> r.get("status").asText().equals("PendingApproval")
                        && r.get("action").asText().equals("selfActivate")
                        && r.get("principalId").asText().equalsIgnoreCase(principal)
                        && r.get("roleDefinitionId").asText().equalsIgnoreCase(role)
                        && r.get("directoryScopeId").asText().equalsIgnoreCase(scope));
    }

    /** Randomly upper-cases an id or a scope, which the simulator must treat as the same. */
    private String variant(String id) {
        return id == null || random.nextBoolean() ? id : id.toUpperCase(Locale.ROOT);
    }

    private static ObjectNode activation(String scope) {
        ObjectNode b = body("selfActivate", ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, scope, "PT1H", null);
        b.putObject("ticketInfo").put("ticketNumber", "T-1").put("ticketSystem", "ICM");
        return b;
    }

    private static ObjectNode body(
            String action, String principal, String role, String scope, String duration, Instant start) {
        ObjectNode b = Json.obj();
        b.put("action", action);
        b.put("principalId", principal);
        b.put("roleDefinitionId", role);
        if (scope != null) {
            b.put("directoryScopeId", scope);
        } else {
            b.put("appScopeId", "/");
        }
        b.put("justification", "scale test");
        ObjectNode info = b.putObject("scheduleInfo");
        if (start != null) {
            info.put("startDateTime", start.toString());
        }
        ObjectNode expiration = info.putObject("expiration");
        if (duration == null) {
            expiration.put("type", "noExpiration");
        } else {
            expiration.put("type", "afterDuration").put("duration", duration);
        }
        return b;
    }
}
