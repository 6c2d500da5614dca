package dev.pimflow.pim;

/**
 * Result of an eligibility check.
 *
 * @param via {@code "direct"} or the id of the group that carries the eligibility; null when not eligible
 * @param viaDisplayName the group's display name, or null
 */
public record Eligibility(boolean eligible, String via, String viaDisplayName) {

    public static final String DIRECT = "direct";

    public static Eligibility notEligible() {
        return new Eligibility(false, null, null);
    }
}
