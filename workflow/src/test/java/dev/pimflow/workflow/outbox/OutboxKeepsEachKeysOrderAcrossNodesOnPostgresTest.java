package dev.pimflow.workflow.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.embedded.EmbeddedKafkaServer;
import dev.pimflow.workflow.support.PostgresTestDatabase;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Several nodes share one outbox. Each relays it, yet a consumer must see each key's events in the order they were
 * committed (an activation's {@code active} before its {@code revoked}), also after a broker outage left both in the
 * outbox. Two relays, as two nodes would run them, drain a backlog of 4,000 rows over 20 keys at the same time; the
 * consumer checks every key's sequence. On PostgreSQL only: H2 is the single-node
 * embedded default.
 */
class OutboxKeepsEachKeysOrderAcrossNodesOnPostgresTest {
    private static final String TOPIC = "pim.activations";
    private static final int KEYS = 20;
    private static final int ROWS = 4000;

    @TempDir
    static Path dir;

    private static EmbeddedKafkaServer broker;
    private static HikariDataSource dataSource;
    private static String schema;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = new EmbeddedKafkaServer(port, dir.resolve("kafka")).start();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        // a schema of its own in the test JVM's database, made by pimflow's own migrations: the Spring contexts of
        // other PostgreSQL tests relay their own outbox table in the public schema
        schema = "outbox_order_" + UUID.randomUUID().toString().substring(0, 8);
        String url = PostgresTestDatabase.url();
        Flyway.configure()
                .dataSource(url, PostgresTestDatabase.USER, "")
                .schemas(schema)
                .table("pimflow_schema_history")
                .load()
                .migrate();
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url + "?currentSchema=" + schema);
        dataSource.setUsername(PostgresTestDatabase.USER);
        dataSource.setPassword("");
        dataSource.setMaximumPoolSize(4);
    }

    @AfterAll
    static void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void twoNodesRelayingTheSameBacklogKeepEachKeysOrder() throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        List<Object[]> rows = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now();
        for (int i = 0; i < ROWS; i++) {
            String key = "activation-" + (i % KEYS);
            rows.add(new Object[] {
                UUID.randomUUID().toString(),
                TOPIC,
                key,
                EventTypes.ACTIVATION_STATUS,
                "{\"key\":\"" + key + "\",\"n\":" + (i / KEYS) + "}",
                now
            });
        }
        jdbc.batchUpdate(
                "INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows);

        Map<String, Object> producer = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class);
        PimProperties properties = new Binder(
                        new MapConfigurationPropertySource(Map.of("pim.outbox.batch-size", "100")))
                .bindOrCreate("pim", PimProperties.class);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        List<DefaultKafkaProducerFactory<String, byte[]>> factories = new ArrayList<>();
        List<OutboxAndAuditRelay> nodes = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(producer);
            factories.add(factory);
            // each node has its own producer, as separate processes would
            nodes.add(new OutboxAndAuditRelay(
                    jdbc, tx, new KafkaTemplate<>(factory), new OutboxSignal(), properties, dataSource, null, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<Integer>> relayed = new ArrayList<>();
            for (OutboxAndAuditRelay node : nodes) {
                relayed.add(pool.submit(() -> {
                    int sent = 0;
                    long idleSince = System.nanoTime();
                    // like SignalledWorker: batch after batch while there is work; a node that got nothing tries again
                    while (System.nanoTime() - idleSince < Duration.ofSeconds(2).toNanos()) {
                        int n = node.relayBatch();
                        sent += n;
                        if (n > 0) {
                            idleSince = System.nanoTime();
                        } else {
                            Thread.sleep(5);
                        }
                    }
                    return sent;
                }));
            }
            int total = 0;
            for (Future<Integer> f : relayed) {
                total += f.get();
            }
            assertThat(total).isEqualTo(ROWS);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Long.class))
                    .isZero();
        } finally {
            pool.shutdownNow();
            factories.forEach(DefaultKafkaProducerFactory::destroy);
        }

        Map<String, Integer> last = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        int seen = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "order-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen < ROWS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen++;
                    int n = Integer.parseInt(r.value().replaceAll(".*\"n\":(\\d+).*", "$1"));
                    Integer before = last.put(r.key(), n);
                    if (before != null && n < before) {
                        outOfOrder.add(r.key() + ": " + n + " after " + before);
                    }
                }
            }
        }
        assertThat(seen).as("events on the topic").isEqualTo(ROWS);
        assertThat(outOfOrder)
                .as("events of a key that arrived after a later one of the same key")
                .isEmpty();
    }
}
