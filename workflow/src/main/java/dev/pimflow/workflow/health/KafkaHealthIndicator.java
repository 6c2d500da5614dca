package dev.pimflow.workflow.health;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * {@code kafka}: the brokers answer {@code describeCluster} within {@code management.health.kafka.timeout} (default
 * 3 s). The admin client is configured like Spring's {@link KafkaAdmin} (bootstrap servers, security), created at the
 * first check and kept. Off with {@code management.health.kafka.enabled=false}.
 */
@Component("kafkaHealthIndicator")
@ConditionalOnEnabledHealthIndicator("kafka")
public class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {
    private final KafkaAdmin kafkaAdmin;
    private final Duration timeout;
    private AdminClient client;

    public KafkaHealthIndicator(
            KafkaAdmin kafkaAdmin, @Value("${management.health.kafka.timeout:PT3S}") Duration timeout) {
        super("Kafka health check failed");
        this.kafkaAdmin = kafkaAdmin;
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        int ms = (int) Math.max(1, timeout.toMillis());
        DescribeClusterResult cluster = client().describeCluster(new DescribeClusterOptions().timeoutMs(ms));
        try {
            String clusterId = cluster.clusterId().get(ms, TimeUnit.MILLISECONDS);
            Collection<Node> nodes = cluster.nodes().get(ms, TimeUnit.MILLISECONDS);
            Node controller = cluster.controller().get(ms, TimeUnit.MILLISECONDS);
            builder.up().withDetail("clusterId", String.valueOf(clusterId)).withDetail("nodes", nodes.size());
            if (controller != null && !controller.isEmpty()) {
                builder.withDetail("controller", controller.id());
            }
        } catch (TimeoutException e) {
            builder.down().withDetail("error", "no answer to describeCluster within " + timeout);
        } catch (ExecutionException e) {
            builder.down().withDetail("error", String.valueOf(e.getCause()));
        }
    }

    private synchronized AdminClient client() {
        if (client == null) {
            Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
            int ms = (int) Math.max(1, timeout.toMillis());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "pimflow-health");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
            // while the brokers are away, reconnect rarely: this client only serves health checks
            config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
            client = AdminClient.create(config);
        }
        return client;
    }

    @Override
    public synchronized void destroy() {
        if (client != null) {
            client.close(Duration.ofSeconds(2));
            client = null;
        }
    }
}
