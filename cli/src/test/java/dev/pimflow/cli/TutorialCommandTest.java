package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.pim.simulator.ContosoTenant;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pimctl tutorial} replays Microsoft's PIM tutorial against a Graph simulator started here, over real HTTP. */
class TutorialCommandTest {

    private static GraphSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    private static String control(String method, String path, String json) throws Exception {
        String origin = simulator.baseUrl().replace("/v1.0", "");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin + path));
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient()
                .send(b.build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void replaysEveryStepWithTheStatusTheSpecGives() {
        CliRun run = CliRun.run("tutorial", "--graph-base-url", simulator.baseUrl());

        assertThat(run.exitCode())
                .as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err())
                .isZero();
        assertThat(run.err()).isEmpty();
        String out = run.out();
        String[][] steps = {
            {"1", "POST", "/groups", "201 Created"},
            {"2", "POST", "/roleManagement/directory/roleEligibilityScheduleRequests", "201 Created"},
            {
                "3",
                "GET",
                "/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'" + ContosoTenant.ALINE_ID + "'",
                "200 OK"
            },
            {"4", "POST", "/roleManagement/directory/roleAssignmentScheduleRequests", "201 Created"},
            {
                "5",
                "GET",
                "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$expand=roleDefinition",
                "200 OK"
            },
            {"6a", "POST", "/roleManagement/directory/roleEligibilityScheduleRequests", "201 Created"},
            {"6b", "DELETE", "/groups/", "204 No Content"},
            {"6c", "POST", "/roleManagement/directory/roleAssignmentScheduleRequests", "201 Created"},
        };
        int from = 0;
        for (String[] s : steps) {
            int at = out.indexOf("== Step " + s[0] + ":", from);
            assertThat(at).as("step %s in order", s[0]).isGreaterThanOrEqualTo(from);
            String section = out.substring(at);
            assertThat(section).contains(s[1] + " " + simulator.baseUrl() + s[2]);
            assertThat(section).contains("HTTP " + s[3] + "   (expected " + s[3].substring(0, 3) + ": ok)");
            from = at + 1;
        }
        assertThat(out)
                .contains(
                        "Summary: all 8 steps got the status the spec gives (1: 201, 2: 201, 3: 200, 4: 201, 5: 200, 6a: 201, 6b: 204, 6c: 201).");

        // the group of step 1 is used by steps 2 and 6, and the tutorial's mistakes are pointed out
        Matcher id = Pattern.compile("the group got the new id ([0-9a-f-]{36})").matcher(out);
        assertThat(id.find()).isTrue();
        String group = id.group(1);
        assertThat(group).isNotEqualTo(TutorialCommand.TUTORIAL_GROUP_ID);
        assertThat(out)
                .contains("\"principalId\": \"" + group + "\"")
                .contains("DELETE " + simulator.baseUrl() + "/groups/" + group);
        assertThat(out)
                .contains("the tutorial deletes /groups/" + ContosoTenant.ALINE_ID
                        + ", which is Aline's user id, by mistake");
        assertThat(out).contains("the tutorial page shows 200 OK here; Graph answers 201 Created.");
        assertThat(out).contains("this replay uses the current time");
        // responses are pretty-printed, tokens never printed
        assertThat(out).contains("\"status\": \"Provisioned\"").contains("\"action\": \"selfActivate\"");
        assertThat(out).contains("Authorization: Bearer ***").doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}");
        // and the replay leaves the tenant as it found it: it can run again
        assertThat(CliRun.run("tutorial", "--graph-base-url", simulator.baseUrl())
                        .exitCode())
                .isZero();
    }

    @Test
    void givenTokensAreUsedAndNeverPrinted() {
        String admin = SimulatorTokenCredential.user(ContosoTenant.ADMIN_ID, "pwd", "mfa")
                .token();
        String aline = SimulatorTokenCredential.user(ContosoTenant.ALINE_ID, "pwd", "mfa")
                .token();
        CliRun run = CliRun.run(
                "tutorial",
                "--graph-base-url",
                simulator.baseUrl() + "/",
                "--token",
                admin,
                "--user-token",
                aline,
                "--keep-activation");
        assertThat(run.exitCode()).as("stdout:%n%s", run.out()).isZero();
        assertThat(run.out())
                .contains("Tokens: --token for the administrator's steps, --user-token for steps 4 and 5; --admin-id "
                        + ContosoTenant.ADMIN_ID + " from the token's oid claim; --user-id " + ContosoTenant.ALINE_ID
                        + " from the user token's oid claim")
                .contains("step 6c skipped (--keep-activation)")
                .contains("Summary: all 7 steps")
                .doesNotContain(admin)
                .doesNotContain(aline)
                .doesNotContain(admin.substring(0, 40));
    }

    @Test
    void aStepWithAnotherStatusFailsWithAOneLineSummary() throws Exception {
        control(
                "POST",
                "/_simulator/faults",
                "{\"status\":503,\"count\":1,\"method\":\"POST\",\"pathContains\":\"roleAssignmentScheduleRequests\"}");
        CliRun run = CliRun.run("tutorial", "--graph-base-url", simulator.baseUrl());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains("HTTP 503 Service Unavailable   (expected 201: UNEXPECTED)")
                .contains("Summary: 1 of 7 steps did not get the status the spec gives: step 4 got 503, expected 201.");
        assertThat(run.errLines())
                .containsExactly(
                        "pimctl: tutorial: 1 of 7 steps did not get the status the spec gives: step 4 got 503, expected 201");
    }

    @Test
    void withoutTokenTheBaseUrlMustBeASimulator() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun unreachable =
                CliRun.run("tutorial", "--graph-base-url", "http://localhost:" + closed + "/v1.0", "--timeout", "2");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.errLines()).hasSize(1);
        assertThat(unreachable.errLines()[0])
                .startsWith("pimctl: no --token given and cannot reach localhost:" + closed)
                .contains("--token");

        CliRun bad = CliRun.run("tutorial", "--graph-base-url", "graph.microsoft.com");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.errLines()[0]).contains("'--graph-base-url'").contains("is not an http(s) URL");
    }
}
