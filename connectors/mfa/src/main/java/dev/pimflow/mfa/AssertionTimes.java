package dev.pimflow.mfa;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * The time rules every gateway assertion (MFA response, approval decision) is held to, in one place so the two cannot
 * drift: {@code exp} and {@code iat} required, {@value #MAX_CLOCK_SKEW_SECONDS} s of clock skew (nimbus would allow 60 by
 * default), never issued further in the future than that.
 */
final class AssertionTimes {
    static final int MAX_CLOCK_SKEW_SECONDS = 30;

    private AssertionTimes() {}

    /** Checks expiry with the given clock, that {@code required} claims are present and {@code prohibited} ones absent. */
    static DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier(
            Clock clock, Set<String> required, Set<String> prohibited) {
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(null, null, required, prohibited) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        return claims;
    }

    static boolean issuedInTheFuture(Instant iat, Clock clock) {
        return iat.isAfter(clock.instant().plusSeconds(MAX_CLOCK_SKEW_SECONDS));
    }
}
