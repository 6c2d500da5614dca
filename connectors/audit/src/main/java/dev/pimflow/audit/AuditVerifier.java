package dev.pimflow.audit;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Verifies the chain: walks it in order and reports the first record whose sequence, link or hash does not verify, or
 * a chain head whose MAC does not (ADR 0005); with a witness, also compares the chain with the checkpoints published
 * outside the database.
 */
final class AuditVerifier {

    private final JdbcTemplate jdbc;
    private final AuditKey key;
    private final long pending;

    AuditVerifier(JdbcTemplate jdbc, AuditKey key, long pending) {
        this.jdbc = jdbc;
        this.key = key;
        this.pending = pending;
    }

    AuditVerification verify(AuditWitness witness) {
        List<AuditCheckpoint> checkpoints = witness == null
                ? List.of()
                : witness.checkpoints().stream()
                        .sorted(Comparator.comparingLong(AuditCheckpoint::seq))
                        .toList();
        Map<Long, String> hashesAt = new HashMap<>();
        checkpoints.forEach(c -> hashesAt.put(c.seq(), null));
        Chain chain = walkChain(hashesAt);
        AuditVerification v = chain.result()
                .withPending(pending)
                .withKeying(chain.keyedFrom(), Math.min(chain.result().recordsChecked(), chain.keyedFrom() - 1));
        if (witness == null) {
            return v.withWitness(AuditVerification.Witness.notChecked(null, 0, "no witness was asked"));
        }
        if (!v.intact()) {
            return v.withWitness(AuditVerification.Witness.notChecked(
                    witness.source(), witness.rejected(), "not compared: the chain in the database is broken already"));
        }
        if (checkpoints.isEmpty()) {
            return v.withWitness(
                    AuditVerification.Witness.notChecked(witness.source(), witness.rejected(), witness.problem()));
        }
        return compare(v, chain, witness, checkpoints, hashesAt);
    }

    /** The intact chain against the witness's checkpoints (sorted by seq, at least one). */
    private static AuditVerification compare(
            AuditVerification v,
            Chain chain,
            AuditWitness witness,
            List<AuditCheckpoint> checkpoints,
            Map<Long, String> hashesAt) {
        AuditCheckpoint newest = checkpoints.get(checkpoints.size() - 1);
        AuditVerification.Witness w = new AuditVerification.Witness(
                true,
                witness.source(),
                newest.seq(),
                newest.hash(),
                newest.at(),
                checkpoints.size(),
                witness.rejected(),
                null);
        for (AuditCheckpoint c : checkpoints) {
            if (c.keyedFromSeq() != chain.keyedFrom()) {
                return broken(
                        v,
                        Math.min(c.keyedFromSeq(), chain.keyedFrom()),
                        "the chain's keyed part starts at seq " + chain.keyedFrom()
                                + " in the database but at seq " + c.keyedFromSeq() + " in the checkpoint of " + c.at()
                                + " on " + witness.source()
                                + ": records were re-hashed",
                        w);
            }
        }
        if (newest.seq() > chain.lastSeq()) {
            return broken(
                    v,
                    chain.lastSeq() + 1,
                    "the chain ends at seq " + chain.lastSeq() + " but " + witness.source() + " witnessed seq "
                            + newest.seq() + " (checkpoint of " + newest.at() + "): records after seq "
                            + chain.lastSeq() + " were removed",
                    w);
        }
        Long lastMatch = null;
        for (AuditCheckpoint c : checkpoints) {
            if (c.hash().equals(hashesAt.get(c.seq()))) {
                lastMatch = c.seq();
                continue;
            }
            return broken(
                    v,
                    c.seq(),
                    "record " + c.seq() + " does not have the hash " + witness.source()
                            + " witnessed for it (checkpoint of "
                            + c.at() + "): a record at or before seq " + c.seq()
                            + " was rewritten after it was published"
                            + (lastMatch == null
                                    ? ""
                                    : " (the chain still matches the witness at seq " + lastMatch + ")"),
                    w);
        }
        return v.withWitness(w);
    }

    private static AuditVerification broken(
            AuditVerification v, long seq, String problem, AuditVerification.Witness w) {
        return AuditVerification.broken(v.recordsChecked(), seq, problem)
                .withPending(v.recordsPending())
                .withKeying(v.keyedFromSeq(), v.recordsUnkeyed())
                .withWitness(new AuditVerification.Witness(
                        w.checked(),
                        w.source(),
                        w.seq(),
                        w.hash(),
                        w.at(),
                        w.checkpointsCompared(),
                        w.checkpointsRejected(),
                        problem));
    }

    private record Chain(AuditVerification result, long lastSeq, long keyedFrom) {}

    /** Walks the chain; fills {@code hashesAt} with the hashes of the seqs it holds as keys. */
    private Chain walkChain(Map<Long, String> hashesAt) {
        Map<String, Object> head = jdbc.queryForMap(
                "SELECT last_seq, last_hash, keyed_from_seq, head_mac FROM audit_chain_head WHERE id = 1");
        long keyedFrom = ((Number) head.get("keyed_from_seq")).longValue();
        AtomicReference<AuditVerification> failure = new AtomicReference<>();
        long[] expected = {1};
        String[] prev = {AuditTrail.GENESIS_HASH};
        long[] checked = {0};
        jdbc.query("SELECT * FROM audit_record ORDER BY seq", rs -> {
            if (failure.get() != null) {
                return;
            }
            AuditRecord r = AuditRows.ROW.mapRow(rs, 0);
            if (r.seq() != expected[0]) {
                failure.set(AuditVerification.broken(checked[0], expected[0], "record " + expected[0] + " is missing"));
                return;
            }
            if (!r.prevHash().equals(prev[0])) {
                failure.set(AuditVerification.broken(
                        checked[0], r.seq(), "prevHash does not match the hash of record " + (r.seq() - 1)));
                return;
            }
            if (!AuditKey.sameMac(AuditHashes.hash(key, r, keyedFrom), r.hash())) {
                failure.set(AuditVerification.broken(
                        checked[0],
                        r.seq(),
                        r.seq() < keyedFrom
                                ? "hash does not match the record's content (an unkeyed record, chained before the chain was keyed: plain SHA-256)"
                                : "hash does not match the record's content (HMAC with the chain's key)"));
                return;
            }
            if (hashesAt.containsKey(r.seq())) {
                hashesAt.put(r.seq(), r.hash());
            }
            checked[0]++;
            expected[0]++;
            prev[0] = r.hash();
        });
        long lastSeq = ((Number) head.get("last_seq")).longValue();
        if (failure.get() != null) {
            return new Chain(failure.get(), lastSeq, keyedFrom);
        }
        if (lastSeq != expected[0] - 1 || !prev[0].equals(head.get("last_hash"))) {
            return new Chain(
                    AuditVerification.broken(
                            checked[0],
                            expected[0],
                            "records after " + (expected[0] - 1) + " are missing (head is at " + lastSeq + ")"),
                    lastSeq,
                    keyedFrom);
        }
        if (!AuditKey.sameMac(key.headMac(lastSeq, prev[0], keyedFrom), (String) head.get("head_mac"))) {
            return new Chain(
                    AuditVerification.broken(
                            checked[0],
                            lastSeq,
                            "the chain head (seq " + lastSeq + ") does not carry a valid MAC: "
                                    + "the head was written without the chain's key"),
                    lastSeq,
                    keyedFrom);
        }
        return new Chain(AuditVerification.ok(checked[0]), lastSeq, keyedFrom);
    }
}
