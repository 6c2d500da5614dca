package dev.pimflow.contracts;

import java.util.Optional;

/** The {@code decision} claim of an {@code mfa.response} assertion (DESIGN §4): what the person answered. */
public enum Decision implements WireValue {
    APPROVED("approved"),
    DENIED("denied");

    private final String wire;

    Decision(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static Decision of(boolean approved) {
        return approved ? APPROVED : DENIED;
    }

    public static Optional<Decision> fromWire(String wire) {
        return WireValue.lookup(Decision.class, wire);
    }

    @Override
    public String toString() {
        return wire;
    }
}
