package dev.pimflow.cli;

import java.time.Duration;

/** Where Kafka is and how long to wait for it. */
record KafkaSettings(String bootstrapServers, Duration timeout) {
}
