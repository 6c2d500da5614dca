package dev.pimflow.workflow.support;

import dev.pimflow.audit.AuditTrail;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.pim.simulator.GraphSimulator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What {@link EndToEndTestBase} (embedded broker) and {@link ContainersEndToEndTestBase} (containers) share: the ticket
 * system, topic watcher and MFA gateway on the broker they name, and the {@link EndToEndHarness} accessors. Carries no
 * Spring or broker annotation of its own, so that each subclass keeps its own context.
 */
public abstract class EndToEndHarnessBase implements EndToEndHarness {
    @Autowired
    protected GraphSimulator simulator;

    @Autowired
    protected AuditTrail audit;

    protected TicketSystem tickets;
    protected TopicWatcher topics;
    protected final MfaAssertionSigner gateway = new MfaAssertionSigner(EndToEndTestBase.DEV_SECRET, Clock.systemUTC());

    private final Duration waitTime;

    protected EndToEndHarnessBase(Duration waitTime) {
        this.waitTime = waitTime;
    }

    /** The broker the test class talks to. */
    protected abstract String bootstrapServers();

    @BeforeAll
    void connect() {
        tickets = new TicketSystem(bootstrapServers());
        topics = new TopicWatcher(
                bootstrapServers(),
                List.of(
                        "pim.mfa.challenges",
                        "pim.activations",
                        "pim.revocations",
                        "pim.audit",
                        "pim.approvals",
                        "tickets.events.dlt",
                        "pim.mfa.responses.dlt"));
    }

    /** Runs after each subclass's own {@code @AfterAll}. */
    @AfterAll
    void disconnect() throws InterruptedException {
        try {
            if (tickets != null) {
                tickets.close();
            }
        } finally {
            if (topics != null) {
                topics.close();
            }
        }
    }

    @Override
    public TicketSystem tickets() {
        return tickets;
    }

    @Override
    public TopicWatcher topics() {
        return topics;
    }

    @Override
    public MfaAssertionSigner gateway() {
        return gateway;
    }

    @Override
    public Duration waitTime() {
        return waitTime;
    }

    @Override
    public AuditTrail audit() {
        return audit;
    }

    @Override
    public List<String> activeRoles(String principalId) {
        return SimulatorRoles.activeRoles(simulator.baseUrl(), principalId);
    }
}
