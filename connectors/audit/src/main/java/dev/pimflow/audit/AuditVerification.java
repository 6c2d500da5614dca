package dev.pimflow.audit;

/**
 * Result of walking the chain. When not intact, {@code firstBadSeq} is the first sequence number that does not verify.
 * {@code recordsPending} counts records that their steps committed but the chainer has not linked yet (ADR 0003):
 * they are not covered by the verification until they are chained, normally within milliseconds.
 */
public record AuditVerification(boolean intact, long recordsChecked, Long firstBadSeq, String problem, long recordsPending) {
    public static AuditVerification ok(long n) {
        return new AuditVerification(true, n, null, null, 0);
    }

    public static AuditVerification broken(long n, long seq, String problem) {
        return new AuditVerification(false, n, seq, problem, 0);
    }

    public AuditVerification withPending(long pending) {
        return new AuditVerification(intact, recordsChecked, firstBadSeq, problem, pending);
    }
}
