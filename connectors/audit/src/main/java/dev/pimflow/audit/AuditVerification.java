package dev.pimflow.audit;

/** Result of walking the chain. When not intact, {@code firstBadSeq} is the first sequence number that does not verify. */
public record AuditVerification(boolean intact, long recordsChecked, Long firstBadSeq, String problem) {
    public static AuditVerification ok(long n) {
        return new AuditVerification(true, n, null, null);
    }

    public static AuditVerification broken(long n, long seq, String problem) {
        return new AuditVerification(false, n, seq, problem);
    }
}
