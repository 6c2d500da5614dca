package dev.pimflow.workflow.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), in this JVM, keeping its log under a
 * data directory so that topics, offsets and unsent records survive a restart. Formats the storage on first start.
 *
 * <p>By default (the embedded default, a trial) it listens on loopback only and without authentication. With
 * {@link Scram} it runs like a production cluster should: clients authenticate with SASL/SCRAM-SHA-512, the standard
 * KRaft authorizer decides every request, and nothing but the super user may do anything no ACL allows. The super user
 * is provisioned when the storage is formatted, the other users after start; the controller listener (loopback,
 * this JVM only) authenticates with SASL/PLAIN and a password made for this run.
 */
public class EmbeddedKafkaServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
    public static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final String CONTROLLER_USER = "pimflow-embedded-controller";
    /** What the format-time SCRAM argument and a JAAS line can carry without quoting. */
    private static final Pattern PLAIN_TOKEN = Pattern.compile("[A-Za-z0-9._@+-]{1,200}");

    /**
     * SASL/SCRAM-SHA-512 with the standard authorizer: {@code superUser} may do everything (and is what the broker uses
     * on its own listener); {@code users} (name to password) may do what ACLs grant them, nothing else.
     */
    public record Scram(String superUser, String superUserPassword, Map<String, String> users) {
        public Scram {
            requirePlain("super user", superUser);
            requirePlain("super user's password", superUserPassword);
            users = Map.copyOf(users);
            users.forEach((name, password) -> {
                requirePlain("user name", name);
                requirePlain("password of " + name, password);
            });
        }

        @Override
        public String toString() {
            return "Scram[superUser=" + superUser + ", users=" + users.keySet() + "]";
        }
    }

    private final int port;
    private final Path logDir;
    private final Scram scram;
    private KafkaRaftServer server;

    public EmbeddedKafkaServer(int port, Path logDir) {
        this(port, logDir, null);
    }

    /** {@code scram} null: loopback-only and unauthenticated (the embedded default). */
    public EmbeddedKafkaServer(int port, Path logDir, Scram scram) {
        this.port = port;
        this.logDir = logDir.toAbsolutePath().normalize();
        this.scram = scram;
    }

    public synchronized EmbeddedKafkaServer start() {
        if (server != null) {
            return this;
        }
        requireFreePort(port);
        int controllerPort = freePort();
        KafkaConfig config = new KafkaConfig(brokerProperties(controllerPort), false);
        try {
            createOwnerOnlyDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config);
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot format the embedded Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        if (scram != null) {
            provisionUsers();
        }
        log.info(
                "Embedded Kafka broker (KRaft) listening on localhost:{}{}, log under {}",
                port,
                scram == null ? " without authentication" : " with SASL/" + MECHANISM + " and the standard authorizer",
                logDir);
        return this;
    }

    /** A single KRaft node, broker and controller, on localhost. */
    private Properties brokerProperties(int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        if (scram == null) {
            plaintextListeners(p, controllerPort);
        } else {
            saslListeners(p, controllerPort);
        }
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.retention.hours", "168");
        return p;
    }

    private void plaintextListeners(Properties p, int controllerPort) {
        p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
    }

    /** SCRAM for clients, PLAIN with a random password for the controller link, the standard authorizer. */
    private void saslListeners(Properties p, int controllerPort) {
        String controllerPassword = randomPassword();
        p.put("listeners", "SASL_PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "SASL_PLAINTEXT://localhost:" + port);
        p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put(
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                scramJaas(scram.superUser(), scram.superUserPassword()));
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put(
                "listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"" + CONTROLLER_USER + "\" password=\"" + controllerPassword + "\""
                        + " user_" + CONTROLLER_USER + "=\"" + controllerPassword + "\";");
        p.put("authorizer.class.name", AUTHORIZER);
        p.put("super.users", "User:" + scram.superUser() + ";User:" + CONTROLLER_USER);
        p.put("allow.everyone.if.no.acl.found", "false");
    }

    /**
     * The log directory (and any parent this creates, e.g. {@code ./data}) is readable by this OS user only
     * (rwx------), where the file system has POSIX permissions: it holds every record that passed through the broker.
     */
    static void createOwnerOnlyDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    private void format(KafkaConfig config) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(out, true))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .setUnstableFeatureVersionsEnabled(false);
        if (scram != null) {
            // the super user exists before the broker starts (kafka-storage.sh format --add-scram)
            formatter.setScramArguments(List.of(
                    MECHANISM + "=[name=" + scram.superUser() + ",password=" + scram.superUserPassword() + "]"));
        }
        formatter.run();
        log.info("Formatted embedded Kafka storage: {}", out.toString().trim());
    }

    /** Creates or updates the SCRAM credentials of {@link Scram#users()}, as the super user. */
    private void provisionUsers() {
        if (scram.users().isEmpty()) {
            return;
        }
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        scram.users()
                .forEach((name, password) -> upserts.add(new UserScramCredentialUpsertion(
                        name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)));
        try (Admin admin = Admin.create(clientProperties(scram.superUser(), scram.superUserPassword()))) {
            admin.alterUserScramCredentials(upserts).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException(
                    "cannot create the SCRAM users " + scram.users().keySet() + " on the embedded Kafka broker: " + e,
                    e);
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** What a client needs to reach this broker as {@code user}: bootstrap servers and, with {@link Scram}, SASL settings. */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (scram != null) {
            props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
            props.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
            props.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user, password));
        }
        return props;
    }

    public static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + Objects.requireNonNull(user) + "\" password=\""
                + Objects.requireNonNull(password).replace("\\", "\\\\").replace("\"", "\\\"") + "\";";
    }

    private static void requirePlain(String what, String value) {
        if (value == null || !PLAIN_TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "the embedded Kafka broker's " + what + " must be 1 to 200 of A-Z a-z 0-9 . _ @ + -");
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void requireFreePort(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("localhost", port));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "port " + port + " for the embedded Kafka broker is in use; set pim.embedded.kafka-port "
                            + "(PIM_EMBEDDED_KAFKA_PORT) or stop what uses it",
                    e);
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
