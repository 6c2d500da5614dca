package dev.pimflow.workflow.kafka;

import dev.pimflow.workflow.config.PimProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * The production profile refuses to start when pimflow's Kafka clients would connect without authenticating (issue 17,
 * finding 5): a broker that does not know who pimflow is cannot keep anyone else out of pimflow's consumer groups and
 * topics. Authenticated means SASL ({@code security.protocol} SASL_SSL or SASL_PLAINTEXT with a JAAS login, e.g.
 * SCRAM-SHA-512) or mutual TLS ({@code SSL} with a client key store). Checked on the effective configuration of the
 * admin, producer and consumer factories, so a per-client override ({@code spring.kafka.consumer.security.protocol})
 * counts too; runs while the context is created, before any client connects. {@value #SETTING}=true (env
 * {@code PIM_KAFKA_ALLOW_UNAUTHENTICATED}) starts anyway, with a warning.
 */
@Component
@Profile("production")
public class KafkaSecurityCheck {
    private static final Logger log = LoggerFactory.getLogger(KafkaSecurityCheck.class);
    public static final String SETTING = "pim.kafka.allow-unauthenticated";
    public static final String ENV = "PIM_KAFKA_ALLOW_UNAUTHENTICATED";

    public KafkaSecurityCheck(
            ObjectProvider<KafkaAdmin> admins,
            ObjectProvider<ProducerFactory<?, ?>> producers,
            ObjectProvider<ConsumerFactory<?, ?>> consumers,
            PimProperties properties) {
        boolean allowUnauthenticated = properties.kafka().allowUnauthenticated();
        Map<String, Map<String, Object>> clients = new LinkedHashMap<>();
        admins.orderedStream().forEach(a -> clients.putIfAbsent("admin", a.getConfigurationProperties()));
        producers.orderedStream().forEach(p -> clients.putIfAbsent("producer", p.getConfigurationProperties()));
        consumers.orderedStream().forEach(c -> clients.putIfAbsent("consumer", c.getConfigurationProperties()));
        List<String> problems = new ArrayList<>();
        clients.forEach((client, config) -> problem(config).ifPresent(p -> problems.add("the " + client + " " + p)));
        if (problems.isEmpty()) {
            log.info(
                    "Kafka: every client authenticates ({})",
                    clients.keySet().stream()
                            .map(c -> c + " " + protocol(clients.get(c)) + mechanism(clients.get(c)))
                            .toList());
            return;
        }
        String what = "pimflow's Kafka clients would connect to the broker without authenticating: "
                + String.join("; ", problems)
                + ". Such a broker cannot keep other clients out of pimflow's consumer groups and topics (README \"Kafka security\": "
                + "SASL/SCRAM or mutual TLS through spring.kafka.*, and the ACLs of each party)";
        if (allowUnauthenticated) {
            log.warn("{}. Starting anyway because {}=true", what, SETTING);
            return;
        }
        throw new IllegalStateException(
                "Refusing to start in the production profile: " + what + ". To run without Kafka "
                        + "authentication anyway, set " + SETTING + "=true (environment " + ENV + "=true)");
    }

    /** Why a client with this configuration does not authenticate, or empty when it does. Never prints secrets. */
    static Optional<String> problem(Map<String, Object> config) {
        String protocol = protocol(config);
        switch (protocol) {
            case "PLAINTEXT":
                return Optional.of(
                        "uses security.protocol PLAINTEXT (spring.kafka.security.protocol): no authentication, no encryption");
            case "SSL":
                if (hasClientCertificate(config)) {
                    return Optional.empty();
                }
                return Optional.of(
                        "uses security.protocol SSL without a client certificate (spring.kafka.ssl.key-store-location, "
                                + "key-store-certificate-chain and key-store-key, or an SSL bundle with a key store): TLS encrypts but does not "
                                + "authenticate pimflow");
            case "SASL_SSL":
            case "SASL_PLAINTEXT":
                if (present(config.get(SaslConfigs.SASL_JAAS_CONFIG))
                        || present(System.getProperty("java.security.auth.login.config"))) {
                    if (protocol.equals("SASL_PLAINTEXT")) {
                        log.warn(
                                "Kafka: security.protocol SASL_PLAINTEXT authenticates but does not encrypt; prefer SASL_SSL outside one host");
                    }
                    return Optional.empty();
                }
                return Optional.of("uses security.protocol " + protocol + " without a login: set sasl.jaas.config "
                        + "(spring.kafka.properties.sasl.jaas.config) for sasl.mechanism " + mechanismName(config));
            default:
                return Optional.empty(); // Kafka itself refuses an unknown protocol
        }
    }

    private static boolean hasClientCertificate(Map<String, Object> config) {
        if (config.get(SslBundle.class.getName()) instanceof SslBundle bundle) {
            return bundle.getStores() != null && bundle.getStores().getKeyStore() != null;
        }
        Object engineFactory = config.get(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG);
        if (engineFactory != null) {
            log.warn(
                    "Kafka: a custom {} ({}) is configured; pimflow assumes it presents a client certificate",
                    SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG,
                    engineFactory);
            return true;
        }
        return present(config.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG))
                || present(config.get(SslConfigs.SSL_KEYSTORE_KEY_CONFIG));
    }

    private static String protocol(Map<String, Object> config) {
        Object value = config.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        return value == null || value.toString().isBlank()
                ? "PLAINTEXT"
                : value.toString().trim().toUpperCase(Locale.ROOT);
    }

    private static String mechanismName(Map<String, Object> config) {
        Object value = config.get(SaslConfigs.SASL_MECHANISM);
        return value == null ? SaslConfigs.DEFAULT_SASL_MECHANISM : value.toString();
    }

    private static String mechanism(Map<String, Object> config) {
        return protocol(config).startsWith("SASL") ? "/" + mechanismName(config) : "";
    }

    private static boolean present(Object value) {
        return value != null && !value.toString().isBlank();
    }
}
