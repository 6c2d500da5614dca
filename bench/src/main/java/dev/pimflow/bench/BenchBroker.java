package dev.pimflow.bench;

import dev.pimflow.workflow.embedded.EmbeddedKafkaServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A single-node KRaft broker in the bench JVM: the orchestrator's own embedded broker ({@link EmbeddedKafkaServer},
 * loopback, no authentication, 3 partitions per topic) on a free port, with the product's topics.
 */
final class BenchBroker implements AutoCloseable {
    static final List<String> TOPICS = List.of(
            "tickets.events",
            "tickets.events.dlt",
            "pim.mfa.challenges",
            "pim.mfa.responses",
            "pim.mfa.responses.dlt",
            "pim.activations",
            "pim.revocations",
            "pim.audit");

    private final EmbeddedKafkaServer server;

    BenchBroker(Path logDir) {
        server = new EmbeddedKafkaServer(Env.freePort(), logDir).start();
    }

    String bootstrapServers() {
        return server.bootstrapServers();
    }

    /** The product's topics, 3 partitions each (pim.topics.partitions default). */
    void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(TOPICS.stream()
                            .map(t -> new NewTopic(t, 3, (short) 1))
                            .toList())
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
