package dev.pimflow.workflow.store;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.stereotype.Component;

/**
 * pimflow's Flyway migrations run before Camunda builds its engine. Flyway baselines a schema it finds non-empty
 * ({@code baseline-on-migrate}, for databases of the first builds), so if anything made the engine first (a servlet
 * filter that needs the identity service is made when the web server starts, before most beans), Camunda's tables
 * would be there and Flyway would skip pimflow's first migration. Declared, not left to bean order.
 */
@Component
public class SchemaBeforeTheEngine implements BeanFactoryPostProcessor {
    static final String FLYWAY = "flywayInitializer";
    static final String[] ENGINE = {"processEngineFactoryBean", "processEngineConfigurationImpl"};

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) throws BeansException {
        if (!factory.containsBeanDefinition(FLYWAY)) {
            return;
        }
        for (String engine : ENGINE) {
            if (factory.containsBeanDefinition(engine)) {
                BeanDefinition d = factory.getBeanDefinition(engine);
                Set<String> dependsOn =
                        new LinkedHashSet<>(d.getDependsOn() == null ? Set.of() : Arrays.asList(d.getDependsOn()));
                dependsOn.add(FLYWAY);
                d.setDependsOn(dependsOn.toArray(String[]::new));
            }
        }
    }
}
