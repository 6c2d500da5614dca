package dev.pimflow.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/** A single-node KRaft broker in the bench JVM, configured like the orchestrator's embedded one (3 partitions per topic). */
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

    private final int port = Env.freePort();
    private final KafkaRaftServer server;

    BenchBroker(Path logDir) throws Exception {
        int controllerPort = Env.freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        KafkaConfig config = new KafkaConfig(p, false);
        Files.createDirectories(logDir);
        new Formatter()
                .setPrintStream(new PrintStream(new ByteArrayOutputStream(), true))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .setUnstableFeatureVersionsEnabled(false)
                .run();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    String bootstrapServers() {
        return "localhost:" + port;
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
        server.shutdown();
        server.awaitShutdown();
    }
}
