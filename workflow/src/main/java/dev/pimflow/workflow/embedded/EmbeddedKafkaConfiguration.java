package dev.pimflow.workflow.embedded;

import dev.pimflow.workflow.config.PimProperties;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The embedded default's broker (DESIGN §8); off in production, where spring.kafka.bootstrap-servers points at a cluster. */
@Configuration
@ConditionalOnProperty(name = "pim.embedded.kafka-enabled", havingValue = "true")
public class EmbeddedKafkaConfiguration {
    static final String BEAN = "embeddedKafkaServer";

    @Bean(name = BEAN, destroyMethod = "close")
    public EmbeddedKafkaServer embeddedKafkaServer(PimProperties properties) {
        return new EmbeddedKafkaServer(
                        properties.embedded().kafkaPort(),
                        Path.of(properties.embedded().dataDir(), "kafka"))
                .start();
    }

    /** Kafka clients start after the broker and close before it, so start-up and shutdown never wait on a missing broker. */
    @Bean
    public static BeanFactoryPostProcessor kafkaClientsDependOnEmbeddedBroker() {
        return factory -> Stream.of("kafkaAdmin", "kafkaProducerFactory", "kafkaConsumerFactory", "kafkaTemplate")
                .filter(factory::containsBeanDefinition)
                .forEach(name -> {
                    BeanDefinition definition = factory.getBeanDefinition(name);
                    String[] current = definition.getDependsOn() == null ? new String[0] : definition.getDependsOn();
                    String[] next = Arrays.copyOf(current, current.length + 1);
                    next[current.length] = BEAN;
                    definition.setDependsOn(next);
                });
    }
}
