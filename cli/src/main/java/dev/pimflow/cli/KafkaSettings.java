package dev.pimflow.cli;

import java.time.Duration;
import java.util.Map;

/**
 * Where Kafka is, how long to wait for it, and how to authenticate to it: the {@code security.*}, {@code sasl.*} and
 * {@code ssl.*} client settings of {@code --kafka-config} (empty for the embedded default's unauthenticated broker).
 */
record KafkaSettings(String bootstrapServers, Duration timeout, Map<String, String> security) {
    KafkaSettings(String bootstrapServers, Duration timeout) {
        this(bootstrapServers, timeout, Map.of());
    }

    /** Never prints the settings' values: {@code sasl.jaas.config} holds a password. */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", timeout=" + timeout + ", security="
                + security.keySet() + "]";
    }
}
