package dev.pimflow.workflow.config;

import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Shows the defaults of {@link PimProperties} (the {@code @DefaultValue} of each setting, the only place they are
 * written) to what reads a {@code pim.*} setting by name rather than from the bound record: {@code ${pim.…}}
 * placeholders in application.yaml and in {@code @KafkaListener}/{@code @Scheduled} attributes, and
 * {@code @ConditionalOnProperty}. They are the Environment's last property source, so application.yaml, the profiles,
 * environment variables and test properties all override them.
 */
public class PimDefaults implements EnvironmentPostProcessor, Ordered {
    public static final String SOURCE = "pimflowDefaults";

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        env.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults()));
    }

    /** Each setting of {@link PimProperties} that has a default ({@code pim.x.y}, kebab-case) and that default. */
    public static Map<String, Object> defaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        collect("pim", PimProperties.class, out);
        return out;
    }

    private static void collect(String prefix, Class<?> record, Map<String, Object> out) {
        RecordComponent[] components = record.getRecordComponents();
        Parameter[] parameters;
        try {
            parameters = record.getDeclaredConstructor(Arrays.stream(components)
                            .map(RecordComponent::getType)
                            .toArray(Class<?>[]::new))
                    .getParameters();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(record + " has no canonical constructor", e);
        }
        for (int i = 0; i < components.length; i++) {
            String name = prefix + "." + kebab(components[i].getName());
            if (components[i].getType().isRecord()) {
                collect(name, components[i].getType(), out);
                continue;
            }
            // on the constructor's parameter: @DefaultValue does not target record components
            DefaultValue value = parameters[i].getAnnotation(DefaultValue.class);
            if (value != null) {
                out.put(name, String.join(",", value.value()));
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
