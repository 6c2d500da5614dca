package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pimctl tutorial}: replays Microsoft's tutorial "Assign privileged roles using PIM for Microsoft Entra roles
 * APIs" step by step against a Graph base URL, printing every request and response. Against a pimflow Graph simulator
 * it fetches its own tokens; against a real tenant it needs {@code --token}. Exit code 0 when every step got the status
 * Graph's reference gives (which is 201 where the tutorial page prints 200), 1 otherwise.
 */
@Command(
        name = "tutorial",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replay Microsoft's tutorial \"Assign privileged roles using PIM for Microsoft Entra roles APIs\" step "
                    + "by step against a Graph base URL, printing each request (method, URL, body; the token as ***) and each "
                    + "response (status, body).",
            "Step 1 creates a role-assignable group, 2 makes it eligible for User Administrator for a year, 3 lists "
                    + "Aline's active roles, 4 activates User Administrator as Aline for five hours (with MFA), 5 lists "
                    + "her requests, 6 revokes the eligibility and deletes the group; 6c (not in the tutorial) removes "
                    + "Aline's activation again unless --keep-activation.",
            "Against a pimflow Graph simulator (the default URL) the tokens come from its POST /_simulator/tokens; "
                    + "against a real tenant give --token (and --user-token for Aline's steps 4 and 5).",
            "Exit code 0 when every step got the status the spec gives (201 for POST, 200 for reads, 204 for DELETE), "
                    + "1 otherwise."
        })
class TutorialCommand implements Callable<Integer> {
    static final String ADMIN_ID = TutorialTenant.ADMIN_ID;
    static final String ALINE_ID = TutorialTenant.ALINE_ID;
    static final String USER_ADMINISTRATOR = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;
    /** The group id of the tutorial's own run, which its text hard-codes in steps 2 and 6. */
    static final String TUTORIAL_GROUP_ID = TutorialTenant.HELPDESK_GROUP_ID;

    static final String DEFAULT_BASE_URL = "http://localhost:8090/v1.0";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(
            names = "--graph-base-url",
            paramLabel = "<url>",
            defaultValue = DEFAULT_BASE_URL,
            description = "Graph to talk to (default: ${DEFAULT-VALUE}, pimflow's Graph simulator); e.g. "
                    + "https://graph.microsoft.com/v1.0 with --token.")
    String graphBaseUrl;

    @Option(
            names = "--token",
            paramLabel = "<bearer-token>",
            defaultValue = "${env:PIMCTL_GRAPH_TOKEN}",
            description =
                    "Bearer token of a Privileged Role Administrator for a real tenant (default: env PIMCTL_GRAPH_TOKEN). "
                            + "Never printed. Without it, the base URL must be a pimflow Graph simulator.")
    String token;

    @Option(
            names = "--user-token",
            paramLabel = "<bearer-token>",
            defaultValue = "${env:PIMCTL_GRAPH_USER_TOKEN}",
            description = "Bearer token of the test user (Aline), signed in with MFA, for steps 4 and 5 (default: env "
                    + "PIMCTL_GRAPH_USER_TOKEN, else --token). Never printed.")
    String userToken;

    @Option(
            names = "--admin-id",
            paramLabel = "<object-id>",
            defaultValue = ADMIN_ID,
            description = "The administrator: owner and member of the group (default: the oid of --token, else the "
                    + "tutorial's ${DEFAULT-VALUE}).")
    String adminId;

    @Option(
            names = "--user-id",
            paramLabel = "<object-id>",
            defaultValue = ALINE_ID,
            description = "The test user who activates the role (default: the oid of --user-token, else the tutorial's "
                    + "Aline Dupuy, ${DEFAULT-VALUE}).")
    String userId;

    @Option(
            names = "--keep-activation",
            description =
                    "Skip step 6c: leave the user's activation in place for its five hours, as the tutorial does.")
    boolean keepActivation;

    private Http http;
    private TutorialSteps steps;
    private String baseUrl;
    private Tokens tokens;

    private record Tokens(String admin, String user, String how, boolean simulator) {}

    @Override
    public Integer call() {
        URI base = checkedBaseUrl();
        http = new Http(Pimctl.callTimeout(spec));
        PrintWriter out = spec.commandLine().getOut();
        baseUrl = base.toString();
        tokens = tokens(base);
        printIntro(out);
        steps = new TutorialSteps(http, out);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        String groupId = createGroup();
        makeGroupEligible(groupId, now);
        confirmAssignments();
        Http.Answer activated = selfActivate();
        confirmRequests();
        cleanUp(groupId);
        removeActivation(activated);
        return summary();
    }

    /** The base URL, after checking the options. */
    private URI checkedBaseUrl() {
        URI base = Inputs.httpUrl(spec.commandLine(), "--graph-base-url", graphBaseUrl, DEFAULT_BASE_URL);
        adminId = Inputs.guid(spec.commandLine(), "--admin-id", adminId);
        userId = Inputs.guid(spec.commandLine(), "--user-id", userId);
        if (token != null && token.isBlank()) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--token': must not be empty");
        }
        return base;
    }

    private void printIntro(PrintWriter out) {
        out.println(
                "Replaying \"Assign privileged roles using PIM for Microsoft Entra roles APIs\" against " + baseUrl);
        out.println("Tokens: " + tokens.how());
        out.println(
                "Note: the tutorial's dates (2025-03-21 to 2026-03-21) are in the past; this replay uses the current time "
                        + "(now, and now + 1 year) instead.");
        out.println(
                "Note: the tutorial page shows \"HTTP/1.1 200 OK\" for steps 1, 2 and 4; Graph's reference (and the spec, "
                        + "sections 2.2 and 7.1) says 201 Created, which is what this replay expects.");
        out.flush();
    }

    /** Step 1: create a role-assignable security group; its id, or null when it was not created. */
    private String createGroup() {
        ObjectNode group = MAPPER.createObjectNode();
        group.put("description", "IT Helpdesk to support Contoso employees");
        group.put("displayName", "IT Helpdesk (User)");
        group.put("mailEnabled", false);
        group.put("mailNickname", "userHelpdesk");
        group.put("securityEnabled", true);
        group.put("isAssignableToRole", true);
        group.putArray("owners@odata.bind").add(baseUrl + "/users/" + adminId);
        group.putArray("members@odata.bind").add(baseUrl + "/users/" + adminId).add(baseUrl + "/users/" + userId);
        Http.Answer created = steps.step(
                "1",
                "Create a role-assignable security group",
                "POST",
                baseUrl + "/groups",
                tokens.admin(),
                group,
                201,
                List.of("the tutorial page shows 200 OK here; Graph answers 201 Created."));
        String groupId = created != null && created.status() == 201 && created.body() != null
                ? created.body().path("id").asText(null)
                : null;
        if (groupId != null) {
            steps.note(
                    "the group got the new id " + groupId + ". The tutorial's text hard-codes the id of its own run, "
                            + TUTORIAL_GROUP_ID
                            + ", in steps 2 and 6 as if every run got it; this replay uses the id of step 1's "
                            + "response instead"
                            + (tokens.simulator()
                                    ? " (on the simulator, " + TUTORIAL_GROUP_ID
                                            + " is the seeded IT Helpdesk (User) group, left alone)."
                                    : "."));
        }
        return groupId;
    }

    /** Step 2: make the group eligible for User Administrator for one year, from now. */
    private void makeGroupEligible(String groupId, Instant now) {
        if (groupId == null) {
            steps.skip("2", "Make the group eligible for User Administrator for one year", 201);
            return;
        }
        ObjectNode eligibility = MAPPER.createObjectNode();
        eligibility.put("action", "AdminAssign");
        eligibility.put("justification", "Assign User Admin eligibility to IT Helpdesk (User) group");
        eligibility.put("roleDefinitionId", USER_ADMINISTRATOR);
        eligibility.put("directoryScopeId", "/");
        eligibility.put("principalId", groupId);
        ObjectNode schedule = eligibility.putObject("scheduleInfo");
        schedule.put("startDateTime", now.toString());
        schedule.putObject("expiration")
                .put("endDateTime", now.plus(Duration.ofDays(365)).toString())
                .put("type", "AfterDateTime");
        steps.step(
                "2",
                "Make the group eligible for User Administrator for one year",
                "POST",
                baseUrl + "/roleManagement/directory/roleEligibilityScheduleRequests",
                tokens.admin(),
                eligibility,
                201,
                List.of(
                        "the tutorial page shows 200 OK here; Graph answers 201 Created.",
                        "dates: now (" + now + ") to now + 1 year instead of the tutorial's 2025-03-21 to 2026-03-21.",
                        "principalId is the group of step 1 (the tutorial writes " + TUTORIAL_GROUP_ID + ")."));
    }

    /** Step 3: confirm the user's current role assignments (an empty collection). */
    private void confirmAssignments() {
        Http.Answer assignments = steps.step(
                "3",
                "Confirm the user's current role assignments (an empty collection)",
                "GET",
                baseUrl + "/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'" + userId + "'",
                tokens.admin(),
                null,
                200,
                List.of());
        if (assignments != null
                && assignments.status() == 200
                && assignments.body() != null
                && assignments.body().path("value").size() > 0) {
            steps.note(
                    "the user already has " + assignments.body().path("value").size()
                            + " active role assignment(s), where the "
                            + "tutorial expects none; if one is User Administrator, step 4 will answer RoleAssignmentExists.");
        }
    }

    /** Step 4: the user self-activates the eligible assignment for five hours (signed in with MFA). */
    private Http.Answer selfActivate() {
        ObjectNode activation = roleRequest("SelfActivate", userId);
        activation.put("justification", "Need to invalidate all app refresh tokens for Contoso users.");
        ObjectNode activationSchedule = activation.putObject("scheduleInfo");
        activationSchedule.put(
                "startDateTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        activationSchedule.putObject("expiration").put("type", "AfterDuration").put("duration", "PT5H");
        activation
                .putObject("ticketInfo")
                .put("ticketNumber", "CONTOSO:Security-012345")
                .put("ticketSystem", "Contoso ICM");
        return steps.step(
                "4",
                "The user self-activates the eligible assignment for five hours (signed in with MFA)",
                "POST",
                baseUrl + "/roleManagement/directory/roleAssignmentScheduleRequests",
                tokens.user(),
                activation,
                201,
                List.of(
                        "the tutorial page shows 200 OK here; Graph answers 201 Created.",
                        "startDateTime is now instead of the tutorial's 2025-03-21T11:46:00.000Z.",
                        "the tutorial's text calls the action \"UserActivate\" but sends \"SelfActivate\", as this replay does."));
    }

    /** Step 5: confirm the role assignment (the user's own requests). */
    private void confirmRequests() {
        steps.step(
                "5",
                "Confirm the role assignment (the user's own requests)",
                "GET",
                baseUrl
                        + "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$expand=roleDefinition",
                tokens.user(),
                null,
                200,
                List.of());
    }

    /** Step 6: revoke the group's eligibility (6a) and delete the group (6b). */
    private void cleanUp(String groupId) {
        if (groupId == null) {
            steps.skip("6a", "Clean up: revoke the group's eligibility", 201);
            steps.skip("6b", "Clean up: delete the group", 204);
            return;
        }
        ObjectNode remove = roleRequest("AdminRemove", groupId);
        steps.step(
                "6a",
                "Clean up: revoke the group's eligibility",
                "POST",
                baseUrl + "/roleManagement/directory/roleEligibilityScheduleRequests",
                tokens.admin(),
                remove,
                201,
                List.of());
        steps.step(
                "6b",
                "Clean up: delete the group",
                "DELETE",
                baseUrl + "/groups/" + groupId,
                tokens.admin(),
                null,
                204,
                List.of("the tutorial deletes /groups/" + ALINE_ID
                        + ", which is Aline's user id, by mistake; this replay "
                        + "deletes the group created in step 1."));
    }

    /** Step 6c (not in the tutorial): the administrator removes the user's activation, unless --keep-activation. */
    private void removeActivation(Http.Answer activated) {
        if (keepActivation) {
            steps.note("step 6c skipped (--keep-activation): the user's activation stays for its five hours.");
            return;
        }
        if (activated == null || activated.status() != 201) {
            return;
        }
        ObjectNode deactivate = roleRequest("adminRemove", userId);
        deactivate.put("justification", "pimctl tutorial: clean up the replay's activation");
        steps.step(
                "6c",
                "Clean up (not in the tutorial): remove the user's activation",
                "POST",
                baseUrl + "/roleManagement/directory/roleAssignmentScheduleRequests",
                tokens.admin(),
                deactivate,
                201,
                List.of(
                        "the tutorial leaves the activation for its five hours; a selfDeactivate within five minutes is "
                                + "refused (ActiveDurationTooShort), so the administrator removes it, and a second replay (or "
                                + "pimflow's own walkthrough for Aline) starts clean. --keep-activation skips this step."));
    }

    /** A request body for User Administrator at the tenant scope: action, principalId, roleDefinitionId, directoryScopeId. */
    private static ObjectNode roleRequest(String action, String principalId) {
        ObjectNode request = MAPPER.createObjectNode();
        request.put("action", action);
        request.put("principalId", principalId);
        request.put("roleDefinitionId", USER_ADMINISTRATOR);
        request.put("directoryScopeId", "/");
        return request;
    }

    /** The summary; exit code 0 when every step got the status the spec gives, else 1 (and the failures on stderr). */
    private int summary() {
        String failure = steps.summary();
        if (failure == null) {
            return Pimctl.EXIT_OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("pimctl: tutorial: " + failure);
        err.flush();
        return Pimctl.EXIT_FAILURE;
    }

    /** The tokens: given, or minted by a pimflow Graph simulator at the base URL's host. */
    private Tokens tokens(URI base) {
        return token != null ? givenTokens() : simulatorTokens(base);
    }

    /** --token (and --user-token); the ids not given default to the tokens' own users. */
    private Tokens givenTokens() {
        boolean separateUser = userToken != null && !userToken.isBlank();
        String how = separateUser
                ? "--token for the administrator's steps, --user-token for steps 4 and 5"
                : "--token for every step (steps 4 and 5 then act as that token's user, which must be --user-id)";
        // the ids default to the tutorial's; with a real tenant's tokens, the tokens' own users are meant
        String adminOid = matched("--admin-id") ? null : oid(token);
        if (adminOid != null) {
            adminId = adminOid;
            how += "; --admin-id " + adminOid + " from the token's oid claim";
        }
        String userOid = matched("--user-id") || !separateUser ? null : oid(userToken);
        if (userOid != null) {
            userId = userOid;
            how += "; --user-id " + userOid + " from the user token's oid claim";
        }
        return new Tokens(token, separateUser ? userToken : token, how, false);
    }

    /** Delegated tokens for the administrator and the user, minted by the simulator once its health answers UP. */
    private Tokens simulatorTokens(URI base) {
        String origin = GraphSimulatorClient.origin(base);
        Http.Answer health;
        try {
            health = http.send("GET", origin + "/_simulator/health", Map.of(), null);
        } catch (CliException e) {
            throw new CliException("no --token given and " + e.getMessage()
                    + " (start pimflow or the Graph simulator, or give " + "--graph-base-url and --token)");
        }
        if (health.status() != 200
                || health.body() == null
                || !"UP".equals(health.body().path("status").asText())) {
            throw new CliException(base + " is not a pimflow Graph simulator (GET " + origin
                    + "/_simulator/health answered " + health.status() + "): give --token, a bearer token for Graph");
        }
        String admin = mint(origin, adminId);
        String user = mint(origin, userId);
        return new Tokens(
                admin,
                user,
                "from the simulator's POST " + origin + "/_simulator/tokens: the administrator " + adminId
                        + " and the user " + userId + ", both delegated, signed in with MFA (amr pwd, mfa)",
                true);
    }

    private boolean matched(String option) {
        return spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The {@code oid} claim of a JWT access token, read (not verified: Graph does that), or null if it has none. */
    static String oid(String jwt) {
        String[] parts = jwt.strip().split("\\.");
        if (parts.length < 2) {
            return null;
        }
        try {
            JsonNode claims = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1].replace("=", "")));
            String oid = claims == null ? null : claims.path("oid").asText(null);
            return oid != null && Inputs.GUID.matcher(oid).matches() ? oid : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private String mint(String origin, String oid) {
        ObjectNode claims = MAPPER.createObjectNode().put("oid", oid);
        claims.putArray("amr").add("pwd").add("mfa");
        return GraphSimulatorClient.mintToken(http, origin, claims);
    }
}
