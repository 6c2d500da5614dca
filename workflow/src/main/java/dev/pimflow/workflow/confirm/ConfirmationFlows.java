package dev.pimflow.workflow.confirm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The sign-ins started on the confirmation page, in the database so the callback may reach any node. A flow is taken
 * (deleted) by the first callback that names its state: a state, and the code that came with it, count once.
 */
@Repository
public class ConfirmationFlows {
    /** More sign-ins than this started for one challenge and not yet come back: the page asks to wait. */
    static final int MAX_OPEN_PER_CHALLENGE = 10;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ConfirmationFlows(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A flow of the confirmation page: the person confirms a challenge (DESIGN §9.1). */
    static final String MFA = "mfa";

    /** A flow of the approval page: an approver decides a stage (DESIGN §9.3). */
    static final String APPROVAL = "approval";

    /**
     * One started sign-in: the decision it carries and what the provider's answer is checked against.
     *
     * @param purpose {@link #MFA} or {@link #APPROVAL}
     * @param challengeId the challenge confirmed, or for an approval flow the approval (stage) decided
     * @param justification the approver's justification typed on the approval page (approval flows)
     */
    record Flow(
            String purpose,
            String activationId,
            String challengeId,
            String decision,
            String justification,
            String nonce,
            String codeVerifier,
            String redirectUri,
            String browserHash,
            Instant startedAt) {

        boolean approval() {
            return APPROVAL.equals(purpose);
        }
    }

    /** Forgets flows older than {@code timeout}; counts the open ones of this challenge (or approval). */
    int openFor(String challengeId, java.time.Duration timeout) {
        jdbc.update(
                "DELETE FROM confirmation_flow WHERE started_at < ?",
                ts(clock.instant().minus(timeout)));
        Integer n = jdbc.queryForObject(
                "SELECT COUNT(*) FROM confirmation_flow WHERE challenge_id = ?", Integer.class, challengeId);
        return n == null ? 0 : n;
    }

    /**
     * Records a sign-in just started for {@code subjectId} (a challenge, or an approval), bound to this browser, unless
     * {@link #MAX_OPEN_PER_CHALLENGE} are open for it already (flows older than {@code timeout} forgotten first).
     *
     * @return false when too many are open (nothing saved)
     */
    boolean started(
            String purpose,
            String activationId,
            String subjectId,
            String decision,
            String justification,
            OAuth2AuthorizationRequest authorization,
            String browserBinding,
            java.time.Duration timeout) {
        if (openFor(subjectId, timeout) >= MAX_OPEN_PER_CHALLENGE) {
            return false;
        }
        save(
                authorization.getState(),
                new Flow(
                        purpose,
                        activationId,
                        subjectId,
                        decision,
                        justification,
                        authorization.getAttribute(OidcParameterNames.NONCE),
                        authorization.getAttribute(PkceParameterNames.CODE_VERIFIER),
                        authorization.getRedirectUri(),
                        hash(browserBinding),
                        clock.instant()));
        return true;
    }

    void save(String state, Flow f) {
        jdbc.update(
                """
                INSERT INTO confirmation_flow (state_hash, browser_hash, purpose, activation_id, challenge_id, decision,
                    justification, nonce, code_verifier, redirect_uri, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                hash(state),
                f.browserHash(),
                f.purpose(),
                f.activationId(),
                f.challengeId(),
                f.decision(),
                f.justification(),
                f.nonce(),
                f.codeVerifier(),
                f.redirectUri(),
                ts(f.startedAt()));
    }

    /** Takes the flow of this state, once: a second callback with it finds nothing. Commits on its own. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Optional<Flow> take(String state) {
        if (state == null || state.isEmpty() || state.length() > 512) {
            return Optional.empty();
        }
        String key = hash(state);
        List<Flow> found = jdbc.query(
                "SELECT * FROM confirmation_flow WHERE state_hash = ? FOR UPDATE",
                (rs, n) -> new Flow(
                        rs.getString("purpose"),
                        rs.getString("activation_id"),
                        rs.getString("challenge_id"),
                        rs.getString("decision"),
                        rs.getString("justification"),
                        rs.getString("nonce"),
                        rs.getString("code_verifier"),
                        rs.getString("redirect_uri"),
                        rs.getString("browser_hash"),
                        rs.getObject("started_at", OffsetDateTime.class).toInstant()),
                key);
        if (found.isEmpty() || jdbc.update("DELETE FROM confirmation_flow WHERE state_hash = ?", key) != 1) {
            return Optional.empty();
        }
        return Optional.of(found.get(0));
    }

    static String hash(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
