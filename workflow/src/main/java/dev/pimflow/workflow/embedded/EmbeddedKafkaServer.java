package dev.pimflow.workflow.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), in this JVM, keeping its log under a
 * data directory so that topics, offsets and unsent records survive a restart. Formats the storage on first start.
 */
public class EmbeddedKafkaServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaServer.class);

    private final int port;
    private final Path logDir;
    private KafkaRaftServer server;

    public EmbeddedKafkaServer(int port, Path logDir) {
        this.port = port;
        this.logDir = logDir.toAbsolutePath().normalize();
    }

    public synchronized EmbeddedKafkaServer start() {
        if (server != null) {
            return this;
        }
        requireFreePort(port);
        int controllerPort = freePort();
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
        p.put("log.retention.hours", "168");
        KafkaConfig config = new KafkaConfig(p, false);
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        log.info("Embedded Kafka broker (KRaft) listening on localhost:{}, log under {}", port, logDir);
        return this;
    }

    private void format(KafkaConfig config) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Formatter()
                .setPrintStream(new PrintStream(out, true))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .setUnstableFeatureVersionsEnabled(false)
                .run();
        log.info("Formatted embedded Kafka storage: {}", out.toString().trim());
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    private static void requireFreePort(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("localhost", port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for the embedded Kafka broker is in use; set pim.embedded.kafka-port "
                    + "(PIM_EMBEDDED_KAFKA_PORT) or stop what uses it", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            log.info("Embedded Kafka broker stopped");
        }
    }
}
