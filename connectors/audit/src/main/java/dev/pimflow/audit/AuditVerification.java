package dev.pimflow.audit;

import java.time.Instant;

/**
 * Result of walking the chain. When not intact, {@code firstBadSeq} is the first sequence number that does not verify.
 * {@code recordsPending} counts records that their steps committed but the chainer has not linked yet (ADR 0003):
 * they are not covered by the verification until they are chained, normally within milliseconds.
 * {@code recordsUnkeyed} counts the records chained before the chain was keyed (ADR 0005), seq 1 to
 * {@code keyedFromSeq - 1}: their own hashes are plain SHA-256, and they are pinned by the keyed records after them.
 * {@code witness} says whether, and against what, the chain was compared outside the database.
 */
public record AuditVerification(
        boolean intact,
        long recordsChecked,
        Long firstBadSeq,
        String problem,
        long recordsPending,
        long recordsUnkeyed,
        long keyedFromSeq,
        Witness witness) {

    /**
     * The comparison with the witness outside the database. {@code checked}: at least one checkpoint was compared;
     * then {@code seq}, {@code hash} and {@code at} are the newest one. {@code checkpointsCompared}: how many were;
     * {@code checkpointsRejected}: how many carried a MAC that does not verify (written without the key: ignored, and a
     * sign that someone else writes to the witness). {@code problem}: why nothing was compared, or what did not match.
     */
    public record Witness(
            boolean checked,
            String source,
            Long seq,
            String hash,
            Instant at,
            int checkpointsCompared,
            int checkpointsRejected,
            String problem) {
        static Witness notChecked(String source, int rejected, String problem) {
            return new Witness(false, source, null, null, null, 0, rejected, problem);
        }
    }

    public static AuditVerification ok(long n) {
        return new AuditVerification(true, n, null, null, 0, 0, 1, null);
    }

    public static AuditVerification broken(long n, long seq, String problem) {
        return new AuditVerification(false, n, seq, problem, 0, 0, 1, null);
    }

    public AuditVerification withPending(long pending) {
        return new AuditVerification(
                intact, recordsChecked, firstBadSeq, problem, pending, recordsUnkeyed, keyedFromSeq, witness);
    }

    AuditVerification withKeying(long keyedFrom, long unkeyed) {
        return new AuditVerification(
                intact, recordsChecked, firstBadSeq, problem, recordsPending, unkeyed, keyedFrom, witness);
    }

    AuditVerification withWitness(Witness w) {
        return new AuditVerification(
                intact, recordsChecked, firstBadSeq, problem, recordsPending, recordsUnkeyed, keyedFromSeq, w);
    }
}
