package dev.pimflow.audit;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        Walk walk = new Walk(keyedFrom, hashesAt);
        jdbc.query("SELECT * FROM audit_record ORDER BY seq", rs -> {
            walk.next(AuditRows.ROW.mapRow(rs, 0));
        });
        long lastSeq = ((Number) head.get("last_seq")).longValue();
        AuditVerification result = walk.end(lastSeq, (String) head.get("last_hash"), (String) head.get("head_mac"));
        return new Chain(result, lastSeq, keyedFrom);
    }

    /** A walk along the chain in seq order; it stops checking at the first record that does not verify. */
    private final class Walk {
        private final long keyedFrom;
        private final Map<Long, String> hashesAt;
        private AuditVerification failure;
        private long expected = 1;
        private String prev = AuditTrail.GENESIS_HASH;
        private long checked;

        Walk(long keyedFrom, Map<Long, String> hashesAt) {
            this.keyedFrom = keyedFrom;
            this.hashesAt = hashesAt;
        }

        void next(AuditRecord r) {
            if (failure != null) {
                return;
            }
            failure = check(r);
            if (failure != null) {
                return;
            }
            if (hashesAt.containsKey(r.seq())) {
                hashesAt.put(r.seq(), r.hash());
            }
            checked++;
            expected++;
            prev = r.hash();
        }

        private AuditVerification check(AuditRecord r) {
            if (r.seq() != expected) {
                return AuditVerification.broken(checked, expected, "record " + expected + " is missing");
            }
            if (!r.prevHash().equals(prev)) {
                return AuditVerification.broken(
                        checked, r.seq(), "prevHash does not match the hash of record " + (r.seq() - 1));
            }
            if (!AuditKey.sameMac(AuditHashes.hash(key, r, keyedFrom), r.hash())) {
                return AuditVerification.broken(
                        checked,
                        r.seq(),
                        r.seq() < keyedFrom
                                ? "hash does not match the record's content (an unkeyed record, chained before the chain was keyed: plain SHA-256)"
                                : "hash does not match the record's content (HMAC with the chain's key)");
            }
            return null;
        }

        /** The verdict once every record was read, against the chain's head row. */
        AuditVerification end(long lastSeq, String lastHash, String headMac) {
            if (failure != null) {
                return failure;
            }
            if (lastSeq != expected - 1 || !prev.equals(lastHash)) {
                return AuditVerification.broken(
                        checked,
                        expected,
                        "records after " + (expected - 1) + " are missing (head is at " + lastSeq + ")");
            }
            if (!AuditKey.sameMac(key.headMac(lastSeq, prev, keyedFrom), headMac)) {
                return AuditVerification.broken(
                        checked,
                        lastSeq,
                        "the chain head (seq " + lastSeq + ") does not carry a valid MAC: "
                                + "the head was written without the chain's key");
            }
            return AuditVerification.ok(checked);
        }
    }
}
