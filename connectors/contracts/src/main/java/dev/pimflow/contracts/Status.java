package dev.pimflow.contracts;

import java.util.List;
import java.util.Optional;

/**
 * An activation's {@code status}: the values of {@code activation.status} (DESIGN §4) plus {@link #REQUESTED}, which
 * the orchestrator's store and REST API show for a request not yet validated (no event carries it).
 */
public enum Status implements WireValue {
    REQUESTED("requested", true),
    PENDING_MFA("pending-mfa", true),
    /** MFA approved; the role's policy asks its approvers first (DESIGN §9.3). */
    PENDING_APPROVAL("pending-approval", true),
    DENIED("denied", false),
    ACTIVE("active", true),
    REVOKED("revoked", false),
    FAILED("failed", false),
    CANCELLED("cancelled", false);

    private final String wire;
    private final boolean live;

    Status(String wire, boolean live) {
        this.wire = wire;
        this.live = live;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** A live activation holds its (ticket, principal, role, scope): a second request for it is a no-op. */
    public boolean live() {
        return live;
    }

    public static Optional<Status> fromWire(String wire) {
        return WireValue.lookup(Status.class, wire);
    }

    /** Every status's string, in declaration order. */
    public static List<String> wires() {
        return WireValue.wires(values());
    }

    @Override
    public String toString() {
        return wire;
    }
}
