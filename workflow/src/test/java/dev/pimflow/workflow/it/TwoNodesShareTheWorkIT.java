package dev.pimflow.workflow.it;

import static dev.pimflow.contracts.WireValue.wires;
import static dev.pimflow.workflow.it.ItEnvironment.data;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out (README "Operations", DESIGN §8): two orchestrator JVMs on one PostgreSQL database and one broker share
 * the consumer groups, the job executor's jobs and the outbox. Six activations for Aline (six roles: PIM allows one
 * active assignment per principal, role and scope), three ending by expiry and three by ticket closure; one node is
 * killed with -9 while activations are on their way, and the other completes every activation and every revocation;
 * the audit chain the two nodes wrote together verifies.
 */
@ExtendWith(ItDiagnostics.class)
class TwoNodesShareTheWorkIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Roles of the built-in set (connectors/pim BuiltInRoles) with the default policy: activation up to PT8H, MFA, justification. */
    private static final String HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

    private static final String GROUPS_ADMINISTRATOR = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
    private static final String SECURITY_READER = "5d6b6bb7-de71-4623-b4af-96380a352509";
    private static final String GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
    private static final String SECURITY_OPERATOR = "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f";
    /** The short ones expire on their own (end-of-duration timers, after the kill); the others end by ticket closure. */
    private static final String SHORT = "PT40S";

    private static final String LONG = "PT2H";

    private ItEnvironment env;

    @BeforeEach
    void startEnvironment(TestInfo test) {
        env = ItEnvironment.start(test);
    }

    @AfterEach
    void stopEnvironment() {
        env.close();
    }

    record Ticket(String number, String role, String duration) {
        boolean expires() {
            return duration.equals(SHORT);
        }
    }

    @Test
    void theSurvivingNodeCompletesEveryActivationAndRevocation() throws Exception {
        ItDatabase db = env.database(ItDatabase.postgres());
        // Aline is eligible for User Administrator through her group (the seed); direct eligibility for five more roles
        List<String> moreRoles = List.of(
                HELPDESK_ADMINISTRATOR, GROUPS_ADMINISTRATOR, SECURITY_READER, GLOBAL_READER, SECURITY_OPERATOR);
        moreRoles.forEach(role -> env.makeEligible(ALINE, role));
        List<Ticket> tickets = new ArrayList<>();
        List<String> roles = new ArrayList<>(List.of(USER_ADMINISTRATOR));
        roles.addAll(moreRoles);
        for (int i = 0; i < roles.size(); i++) {
            tickets.add(new Ticket("CONTOSO:Scale-" + (i + 1), roles.get(i), i % 2 == 0 ? SHORT : LONG));
        }

        // one after the other: the first creates the schema, the second finds it; one consumer thread per listener and
        // node, so that each node's single member must hold partitions of its own (the nodes share each topic)
        Map<String, String> oneConsumerEach = Map.of("PIM_KAFKA_TICKET_CONSUMERS", "1", "PIM_KAFKA_MFA_CONSUMERS", "1");
        JarNode a = env.node("a", db, oneConsumerEach).startAndAwaitReady();
        JarNode b = env.node("b", db, oneConsumerEach).startAndAwaitReady();
        for (String group : List.of("pimflow.ticket-events", "pimflow.mfa-responses")) {
            ConsumerGroupDescription d = env.awaitGroupMembers(group, 2, WAIT);
            System.out.printf(
                    "[it] group %s: %s%n",
                    group,
                    d.members().stream()
                            .map(m -> m.clientId() + "@" + m.host() + "="
                                    + m.assignment().topicPartitions())
                            .toList());
        }

        // all six ask; the first three are approved and become active with both nodes up
        Map<Ticket, String> ids = new LinkedHashMap<>();
        Map<Ticket, String> challenges = new LinkedHashMap<>();
        for (Ticket t : tickets) {
            env.requestActivation(t.number(), ALINE, t.role(), t.duration());
        }
        for (Ticket t : tickets) {
            JsonNode challenge = env.awaitChallenge(t.number(), WAIT);
            ids.put(t, data(challenge, "activationId"));
            challenges.put(t, data(challenge, "challengeId"));
        }
        for (Ticket t : tickets.subList(0, 3)) {
            env.approve(ALINE, challenges.get(t));
        }
        for (Ticket t : tickets.subList(0, 3)) {
            env.awaitStatus(ids.get(t), Status.ACTIVE, WAIT);
        }

        // the other three are approved, and node a dies while their responses and activation jobs are under way
        for (Ticket t : tickets.subList(3, 6)) {
            env.approve(ALINE, challenges.get(t));
        }
        Thread.sleep(300);
        a.kill();
        assertThat(b.isAlive()).isTrue();

        for (Ticket t : tickets) {
            env.awaitStatus(ids.get(t), Status.ACTIVE, WAIT);
        }
        assertThat(env.activeRoles(ALINE)).containsAll(roles);
        for (Ticket t : tickets) {
            if (!t.expires()) {
                env.tickets.closeTicket(t.number());
            }
        }
        for (Ticket t : tickets) {
            JsonNode revoked = env.awaitRevoked(ids.get(t), WAIT);
            assertThat(data(revoked, "reason"))
                    .as("reason of %s", t)
                    .isEqualTo((t.expires() ? Reason.EXPIRED : Reason.TICKET_CLOSED).wire());
            env.awaitStatus(ids.get(t), Status.REVOKED, WAIT);
        }

        assertThat(env.activeRoles(ALINE)).as("no assignment is left in PIM").isEmpty();
        for (JarNode node : List.of(a, b)) {
            System.out.printf(
                    "[it] node %s started %d of the activations (ticket listener), made %d PIM calls that failed%n",
                    node.name(),
                    node.logLinesContaining("requested for ticket CONTOSO:Scale-"),
                    node.logLinesContaining("dev.pimflow.pim.graph.GraphPimClient"));
        }
        for (Ticket t : tickets) {
            String id = ids.get(t);
            env.assertOneFactEach(id, Status.PENDING_MFA, Status.ACTIVE, Status.REVOKED);
            assertThat(b.auditActions(id))
                    .as("audit trail of %s", t)
                    .containsExactlyElementsOf(
                            t.expires()
                                    ? wires(
                                            AuditAction.REQUESTED,
                                            AuditAction.VALIDATED,
                                            AuditAction.MFA_CHALLENGED,
                                            AuditAction.MFA_APPROVED,
                                            AuditAction.ACTIVATED,
                                            AuditAction.REVOKED)
                                    : wires(
                                            AuditAction.REQUESTED,
                                            AuditAction.VALIDATED,
                                            AuditAction.MFA_CHALLENGED,
                                            AuditAction.MFA_APPROVED,
                                            AuditAction.ACTIVATED,
                                            AuditAction.REVOKE_REQUESTED,
                                            AuditAction.REVOKED));
            env.awaitAuditPublished(b, id, WAIT);
        }
        assertThat(b.activations("CONTOSO:Scale-1"))
                .extracting(j -> j.path("status").asText())
                .containsExactly(Status.REVOKED.wire());
        JsonNode verification = b.verifyAudit();
        System.out.printf("[it] audit verification: %s%n", verification);
        assertThat(verification.path("intact").asBoolean())
                .as("audit chain intact")
                .isTrue();
        await().atMost(WAIT).until(() -> outboxBacklog(db), n -> n == 0);
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM activation WHERE status <> '" + Status.REVOKED.wire() + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("activations not revoked").isZero();
        }
    }

    private static long outboxBacklog(ItDatabase db) throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM outbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
