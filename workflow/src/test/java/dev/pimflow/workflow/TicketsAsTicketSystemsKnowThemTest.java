package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.HttpAsUser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * DESIGN §9.2 over a real broker, with {@code pim.tickets.require-open} and {@code require-assignee} on: pimflow keeps
 * each ticket's state and assignees from {@code tickets.events}; a request for a ticket not known open, or by someone
 * not assigned to it, is denied with its reason; a {@code ticket.assigned} that drops a principal ends that principal's
 * activation ({@code ticket-reassigned}) and no other; a role one ticket holds is not granted to a second ticket, so
 * neither ticket's end costs the other access; a reopened ticket takes requests again without bringing back what its
 * closure revoked.
 */
@TestPropertySource(
        properties = {
            "camunda.bpm.process-engine-name=ticketstest",
            "pim.tickets.require-open=true",
            "pim.tickets.require-assignee=true"
        })
class TicketsAsTicketSystemsKnowThemTest extends EndToEndTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @BeforeAll
    void bobIsDirectlyEligible() throws Exception {
        String body = "{\"action\":\"adminAssign\",\"justification\":\"on call\",\"roleDefinitionId\":\""
                + USER_ADMINISTRATOR + "\",\"directoryScopeId\":\"/\",\"principalId\":\"" + BOB
                + "\",\"scheduleInfo\":{\"startDateTime\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\",\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"P30D\"}}}";
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl()
                                        + "/roleManagement/directory/roleEligibilityScheduleRequests"))
                                .header(
                                        "Authorization",
                                        "Bearer "
                                                + SimulatorTokenCredential.user(TutorialTenant.ADMIN_ID, "pwd", "mfa")
                                                        .token())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aTicketNotKnownOpenOrAPersonNotAssignedIsRefused() throws Exception {
        String unknown = "CONTOSO:Tickets-unknown";
        tickets.requestActivation(unknown, ALINE, "PT1H");
        JsonNode denied = awaitStatusOfTicket(unknown, Status.DENIED);
        assertThat(denied.path("data").path("reason").asText()).isEqualTo(Reason.TICKET_NOT_OPEN.wire());

        String ticket = "CONTOSO:Tickets-1";
        open(ticket, ALINE);
        tickets.requestActivation(ticket, BOB, "PT1H");
        JsonNode bob = awaitEvent(ticket, BOB, Status.DENIED);
        assertThat(bob.path("data").path("reason").asText()).isEqualTo(Reason.NOT_AN_ASSIGNEE.wire());

        String aline = requestAndApprove(ticket, "PT1H");
        awaitStatus(aline, Status.ACTIVE);
        JsonNode view = ticketView(ticket);
        assertThat(view.path("ticket").path("state").asText()).isEqualTo("open");
        assertThat(view.path("ticket").path("assignees").toString()).contains(ALINE);
        assertThat(view.path("activations")).hasSize(2);

        tickets.closeTicket(ticket);
        awaitRevoked(aline);
        assertThat(ticketView(ticket).path("ticket").path("state").asText()).isEqualTo("closed");
    }

    @Test
    void aReassignmentEndsOnlyTheDroppedPrincipalsActivation() {
        String ticket = "CONTOSO:Tickets-2";
        open(ticket, ALINE, BOB);
        String aline = requestAndApprove(ticket, "PT1H");
        awaitStatus(aline, Status.ACTIVE);
        tickets.requestActivation(ticket, BOB, "PT1H");
        JsonNode bobChallenge = awaitChallenge(ticket, BOB);
        String bob = bobChallenge.path("activationId").asText();
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);

        // handed over to Bob: Aline's access ends (revoked), Bob's pending request goes on
        assign(ticket, BOB);
        JsonNode revoked = awaitRevoked(aline);
        assertThat(revoked.path("data").path("reason").asText()).isEqualTo(Reason.TICKET_REASSIGNED.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        tickets.respondToChallenge(
                bobChallenge.path("challengeId").asText(),
                gateway.sign(BOB, bobChallenge.path("challengeId").asText(), true, java.time.Duration.ofMinutes(2)));
        awaitStatus(bob, Status.ACTIVE);

        // handed to nobody while Bob's is active: Bob's is revoked too
        assign(ticket);
        assertThat(awaitRevoked(bob).path("data").path("reason").asText()).isEqualTo(Reason.TICKET_REASSIGNED.wire());
        tickets.closeTicket(ticket);
    }

    @Test
    void aPendingActivationOfADroppedPrincipalIsCancelled() {
        String ticket = "CONTOSO:Tickets-3";
        open(ticket, ALINE);
        tickets.requestActivation(ticket, ALINE, "PT1H");
        String aline = awaitChallenge(ticket, ALINE).path("activationId").asText();
        assign(ticket, BOB);
        JsonNode cancelled = awaitStatus(aline, Status.CANCELLED);
        assertThat(cancelled.path("data").path("reason").asText()).isEqualTo(Reason.TICKET_REASSIGNED.wire());
        tickets.closeTicket(ticket);
    }

    @Test
    void twoOpenTicketsNeverCostEachOtherAccess() {
        // one PIM assignment per principal, role and scope, and it belongs to one ticket: the second ticket's request
        // is denied before MFA, naming the ticket that holds it; the second ticket's end touches nothing of the first
        String first = "CONTOSO:Tickets-4a";
        String second = "CONTOSO:Tickets-4b";
        open(first, ALINE);
        open(second, ALINE);
        String holder = requestAndApprove(first, "PT1H");
        awaitStatus(holder, Status.ACTIVE);
        tickets.requestActivation(second, ALINE, "PT1H");
        JsonNode denied = awaitStatusOfTicket(second, Status.DENIED);
        assertThat(denied.path("data").path("reason").asText())
                .isEqualTo(Reason.ROLE_ACTIVE_FOR_ANOTHER_TICKET.wire() + ": " + CONTOSO_ICM + " " + first);
        assign(second);
        tickets.closeTicket(second);
        awaitTicketState(second, "closed");
        assertThat(statusOf(holder)).isEqualTo(Status.ACTIVE.wire());
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);

        tickets.closeTicket(first);
        awaitRevoked(holder);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
    }

    @Test
    void aReopenedTicketTakesRequestsAgainButBringsNothingBack() {
        String ticket = "CONTOSO:Tickets-5";
        open(ticket, ALINE);
        String before = requestAndApprove(ticket, "PT1H");
        awaitStatus(before, Status.ACTIVE);
        tickets.closeTicket(ticket);
        awaitRevoked(before);
        tickets.requestActivation(ticket, ALINE, "PT1H");
        assertThat(awaitStatusOfTicket(ticket, Status.DENIED)
                        .path("data")
                        .path("reason")
                        .asText())
                .isEqualTo(Reason.TICKET_CLOSED.wire());

        ObjectNode reopened = JSON.createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", ticket)
                .put("reopenedAt", Instant.now().toString());
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_REOPENED, reopened);
        awaitTicketState(ticket, "open");
        assertThat(statusOf(before)).isEqualTo(Status.REVOKED.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);

        String after = requestAndApprove(ticket, "PT1H");
        awaitStatus(after, Status.ACTIVE);
        tickets.closeTicket(ticket);
        awaitRevoked(after);
    }

    private void open(String ticket, String... assignees) {
        ObjectNode data = JSON.createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", ticket)
                .put("title", "Invalidate all refresh tokens")
                .put("priority", "P1")
                .put("openedAt", Instant.now().toString());
        var list = data.putArray("assignees");
        for (String a : assignees) {
            list.add(a);
        }
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_OPENED, data);
        awaitTicketState(ticket, "open");
    }

    private void assign(String ticket, String... assignees) {
        ObjectNode data = JSON.createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", ticket)
                .put("assignedAt", Instant.now().toString());
        var list = data.putArray("assignees");
        for (String a : assignees) {
            list.add(a);
        }
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_ASSIGNED, data);
    }

    private JsonNode awaitChallenge(String ticket, String principal) {
        return topics.awaitEvent(
                        "pim.mfa.challenges",
                        WAIT,
                        e -> ticket.equals(e.path("data").path("ticketNumber").asText())
                                && principal.equals(
                                        e.path("data").path("principalId").asText()))
                .path("data");
    }

    private JsonNode awaitEvent(String ticket, String principal, Status status) {
        return topics.awaitEvent(
                "pim.activations",
                WAIT,
                e -> ticket.equals(e.path("data").path("ticketNumber").asText())
                        && principal.equals(e.path("data").path("principalId").asText())
                        && status.is(e.path("data").path("status").asText()));
    }

    private void awaitTicketState(String ticket, String state) {
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> state.equals(
                        ticketView(ticket).path("ticket").path("state").asText()));
    }

    private JsonNode ticketView(String ticket) throws Exception {
        HttpResponse<String> r = new HttpAsUser(port, "admin", "test-admin-password")
                .get("/api/tickets?system=" + URLEncoder.encode(CONTOSO_ICM, StandardCharsets.UTF_8) + "&number="
                        + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
        return r.statusCode() == 404 ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
