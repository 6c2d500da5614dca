package dev.pimflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The contract's vocabularies are their wire strings: these are the only place a test spells them all out. */
class VocabularyTest {
    @Test
    void eachValueIsItsContractString() {
        assertThat(wires(Status.values()))
                .containsExactly(
                        "requested",
                        "pending-mfa",
                        "pending-approval",
                        "denied",
                        "active",
                        "revoked",
                        "failed",
                        "cancelled");
        assertThat(wires(Reason.values()))
                .containsExactly(
                        "ticket-closed",
                        "expired",
                        "manual",
                        "not-eligible",
                        "duration-exceeds-policy",
                        "justification-required",
                        "ticket-required",
                        "mfa-denied",
                        "mfa-timeout",
                        "mfa-not-verified",
                        "ticket-not-open",
                        "not-an-assignee",
                        "ticket-reassigned",
                        "role-active-for-another-ticket",
                        "approval-denied",
                        "approval-timeout",
                        "approval-not-verified",
                        "denied");
        assertThat(wires(AuditAction.values()))
                .containsExactly(
                        "requested",
                        "validated",
                        "mfa-challenged",
                        "mfa-approved",
                        "mfa-denied",
                        "mfa-expired",
                        "mfa-rejected",
                        "activation-refused",
                        "approval-requested",
                        "approval-escalated",
                        "approval-approved",
                        "approval-denied",
                        "approval-timed-out",
                        "approval-rejected",
                        "extension-requested",
                        "extension-refused",
                        "extension-denied",
                        "extended",
                        "denied",
                        "activated",
                        "revoke-requested",
                        "revoked",
                        "cancelled",
                        "incident",
                        "event-id-reused",
                        "input-rejections-suppressed",
                        "operator-action",
                        "operation-refused",
                        "operations-refused-suppressed",
                        "dev-mfa-answered",
                        "login-throttled",
                        "admin-unlocked");
        assertThat(wires(Decision.values())).containsExactly("approved", "denied");
    }

    @Test
    void eachValueIsFoundByItsStringAndNothingElseIs() {
        roundTrips(Status.values(), Status::fromWire);
        roundTrips(Reason.values(), Reason::fromWire);
        roundTrips(AuditAction.values(), AuditAction::fromWire);
        roundTrips(Decision.values(), Decision::fromWire);
        assertThat(Status.fromWire("ACTIVE")).isEmpty();
        assertThat(Status.fromWire(null)).isEmpty();
        assertThat(Reason.fromWire("duration-exceeds-policy: PT5H > PT4H")).isEmpty();
        assertThat(Status.wires()).isEqualTo(wires(Status.values()));
    }

    @Test
    void theLiveStatusesAndTheReasonsOfARevocation() {
        assertThat(Stream.of(Status.values()).filter(Status::live))
                .containsExactly(Status.REQUESTED, Status.PENDING_MFA, Status.PENDING_APPROVAL, Status.ACTIVE);
        assertThat(Stream.of(Reason.values()).filter(r -> r.explains(Status.REVOKED)))
                .containsExactly(Reason.TICKET_CLOSED, Reason.EXPIRED, Reason.MANUAL, Reason.TICKET_REASSIGNED);
        assertThat(Stream.of(Reason.values()).filter(r -> r.explains(Status.CANCELLED)))
                .containsExactly(Reason.TICKET_CLOSED, Reason.TICKET_REASSIGNED);
        assertThat(Decision.of(true)).isEqualTo(Decision.APPROVED);
        assertThat(Decision.of(false)).isEqualTo(Decision.DENIED);
    }

    @Test
    void jsonAndTextCarryTheString() throws Exception {
        ObjectMapper mapper = EventCodec.defaultMapper();
        assertThat(mapper.writeValueAsString(List.of(Status.PENDING_MFA, Reason.TICKET_CLOSED)))
                .isEqualTo("[\"pending-mfa\",\"ticket-closed\"]");
        assertThat("status " + Status.PENDING_MFA).isEqualTo("status pending-mfa");
    }

    private static List<String> wires(WireValue[] values) {
        return Arrays.stream(values).map(WireValue::wire).toList();
    }

    private static <E extends WireValue> void roundTrips(E[] values, Function<String, java.util.Optional<E>> lookup) {
        for (E value : values) {
            assertThat(lookup.apply(value.wire())).contains(value);
            assertThat(value.is(value.wire())).isTrue();
        }
    }
}
