package dev.pimflow.audit;

import java.time.Instant;

/**
 * A witness of the chain outside the database (ADR 0005): "at {@code at}, record {@code seq} had hash {@code hash}
 * and the chain's keyed part started at {@code keyedFromSeq}", with {@code mac} = {@link AuditKey#headMac} over
 * those three. The outbox relay publishes one to {@code pim.audit} after every batch of audit records it sent
 * ({@code audit.checkpoint} events); {@code audit verify} compares the database against them. Because each hash covers
 * its predecessor's, a checkpoint at {@code seq} pins every record up to it.
 */
public record AuditCheckpoint(long seq, String hash, long keyedFromSeq, Instant at, String mac) {
    /** The CloudEvents type of a checkpoint on {@code pim.audit}. */
    public static final String EVENT_TYPE = "audit.checkpoint";
    /** The Kafka key of every checkpoint; they all go to partition {@link #PARTITION}, so the newest is found at its end. */
    public static final String KAFKA_KEY = "pimflow:audit-checkpoint";

    public static final int PARTITION = 0;

    /** A checkpoint of the given head, MACed with the key. */
    public static AuditCheckpoint of(AuditKey key, long seq, String hash, long keyedFromSeq, Instant at) {
        return new AuditCheckpoint(seq, hash, keyedFromSeq, at, key.headMac(seq, hash, keyedFromSeq));
    }

    /** True when the MAC was made with this key over this checkpoint's seq, hash and keyedFromSeq. */
    public boolean verifies(AuditKey key) {
        return hash != null && AuditKey.sameMac(key.headMac(seq, hash, keyedFromSeq), mac);
    }
}
