package dev.pimflow.workflow.activation;

import dev.pimflow.contracts.ExtensionRequested;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.ClosedTickets;
import dev.pimflow.workflow.store.Extensions;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An extension request (DESIGN §9.3), whichever way it comes ({@code ticket.extension-requested}, {@code POST
 * /api/activations/{id}/extension}): the same rules. Only an active activation whose ticket is open, with no other
 * extension under way, is extended; anything else is refused with its reason, audited and announced ({@code
 * activation.extension}), and changes nothing. An accepted request goes to the process, which checks the policy's
 * maximum, asks the person to confirm with MFA again and the approvers again where the policy says so. Runs in the
 * caller's transaction.
 */
@Service
public class ExtensionRequests {
    private static final Logger log = LoggerFactory.getLogger(ExtensionRequests.class);

    /** The ticket is closed: nothing of it is extended. */
    public static final String TICKET_CLOSED = "ticket-closed";
    /** The activation is not active (pending, or ended). */
    public static final String NOT_ACTIVE = "not-active";
    /** Another extension of the activation waits for its MFA or approvers. */
    public static final String IN_PROGRESS = "extension-in-progress";
    /** In self-activate mode pimflow holds no token of the person's to extend with. */
    public static final String SELF_ACTIVATE_MODE = Extensions.SELF_ACTIVATE_MODE;

    private final ActivationStore store;
    private final Extensions extensions;
    private final ClosedTickets closedTickets;
    private final ActivationRecorder recorder;
    private final ActivationProcess process;
    private final boolean selfActivate;
    private final TransactionTemplate tx;

    public ExtensionRequests(
            ActivationStore store,
            Extensions extensions,
            ClosedTickets closedTickets,
            ActivationRecorder recorder,
            ActivationProcess process,
            PimProperties properties,
            TransactionTemplate tx) {
        this.tx = tx;
        this.store = store;
        this.extensions = extensions;
        this.closedTickets = closedTickets;
        this.recorder = recorder;
        this.process = process;
        this.selfActivate = properties.activation().selfActivate();
    }

    /** What became of a request. */
    public sealed interface Outcome {
        /** Handed to the process: the person confirms with MFA next. */
        record Requested(Extensions.Extension extension) implements Outcome {}

        /** Refused, audited and announced: {@code reason} is one of this class's constants. */
        record Refused(Extensions.Extension extension, String reason, String message) implements Outcome {}

        record NoSuchActivation() implements Outcome {}
    }

    /** {@code ticket.extension-requested}: an activation of the event's ticket, by id or by principal, role, scope. */
    public Outcome fromTicket(InboundEvent event, ExtensionRequested r) {
        Activation named;
        if (r.activationId() != null) {
            named = store.find(r.activationId().toLowerCase()).orElse(null);
            if (named == null
                    || !named.ticketSystem().equals(r.ticketSystem())
                    || !named.ticketNumber().equals(r.ticketNumber())) {
                throw new InvalidEventException(
                        "data.activationId",
                        "no activation " + r.activationId() + " of ticket " + r.ticketSystem() + " "
                                + r.ticketNumber());
            }
            if (r.principalId() != null && !named.principalId().equalsIgnoreCase(r.principalId())
                    || r.roleDefinitionId() != null
                            && !named.roleDefinitionId().equalsIgnoreCase(r.roleDefinitionId())) {
                throw new InvalidEventException(
                        "data.activationId", "activation " + r.activationId() + " is of another principal or role");
            }
        } else {
            named = store.findLive(
                            r.ticketSystem(),
                            r.ticketNumber(),
                            r.principalId(),
                            r.roleDefinitionId(),
                            r.directoryScopeId())
                    .orElseThrow(() -> new InvalidEventException(
                            "data.principalId",
                            "no live activation of role " + r.roleDefinitionId() + " for " + r.principalId()
                                    + " on ticket " + r.ticketSystem() + " " + r.ticketNumber()));
        }
        return request(
                named.id(),
                r.duration(),
                r.justification(),
                "ticket-system:" + r.ticketSystem(),
                "event:" + event.source() + "#" + event.id());
    }

    /** {@link #request}, in a transaction of its own (the product API's). */
    public Outcome requestInTransaction(
            String activationId, Duration duration, String justification, String actor, String ref) {
        return tx.execute(s -> request(activationId, duration, justification, actor, ref));
    }

    /**
     * Asks for {@code duration} more on the activation's current end.
     *
     * @param actor who asks ({@code user:alice}, {@code ticket-system:...})
     * @param ref where the request came from (the event, the API)
     */
    public Outcome request(String activationId, Duration duration, String justification, String actor, String ref) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new InvalidEventException("duration", "must be a positive ISO-8601 duration");
        }
        if (duration.compareTo(ExtensionRequested.MAX_DURATION) > 0) {
            throw new InvalidEventException(
                    "duration", "longer than " + ExtensionRequested.MAX_DURATION + " in one extension");
        }
        if (justification != null && justification.length() > 500) {
            throw new InvalidEventException("justification", "longer than 500 characters");
        }
        Activation a = store.lock(activationId).orElse(null);
        if (a == null) {
            return new Outcome.NoSuchActivation();
        }
        String id = UUID.randomUUID().toString();
        Optional<String> refusal = refusal(a);
        String reason = refusal.orElse(null);
        if (reason == null && !process.extensionRequested(a, id)) {
            // active in the store, but its process no longer waits in the active state (a revocation is under way)
            reason = NOT_ACTIVE;
        }
        String status = reason == null ? Extensions.REQUESTED : Extensions.REFUSED;
        Extensions.Extension x =
                extensions.record(id, a.id(), status, reason, duration.toString(), justification, actor, ref);
        if (reason != null) {
            String message = message(a, reason);
            recorder.extensionRefused(a, x, reason);
            log.info("Extension of activation {} refused: {}", a.id(), message);
            return new Outcome.Refused(x, reason, message);
        }
        recorder.extensionRequested(a, x);
        log.info("Extension {} of activation {} requested ({} more)", x.round(), a.id(), duration);
        return new Outcome.Requested(x);
    }

    private Optional<String> refusal(Activation a) {
        if (closedTickets.isClosed(a.ticketSystem(), a.ticketNumber())) {
            return Optional.of(TICKET_CLOSED);
        }
        if (!Status.ACTIVE.is(a.status())) {
            return Optional.of(NOT_ACTIVE);
        }
        if (selfActivate) {
            return Optional.of(SELF_ACTIVATE_MODE);
        }
        if (extensions.open(a.id()).isPresent()) {
            return Optional.of(IN_PROGRESS);
        }
        return Optional.empty();
    }

    private static String message(Activation a, String reason) {
        return switch (reason) {
            case TICKET_CLOSED -> "ticket " + a.ticketSystem() + " " + a.ticketNumber() + " is closed";
            case NOT_ACTIVE -> "activation " + a.id() + " is " + a.status() + ", not active";
            case IN_PROGRESS -> "activation " + a.id() + " has an extension waiting for its MFA or approvers";
            case SELF_ACTIVATE_MODE ->
                "in self-activate mode pimflow does not extend (the person's own sign-in"
                        + " activated the role; PIM's selfExtendRequest is not built)";
            default -> reason;
        };
    }
}
