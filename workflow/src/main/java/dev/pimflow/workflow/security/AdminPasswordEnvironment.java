package dev.pimflow.workflow.security;

import dev.pimflow.workflow.config.PimProperties;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * There is no built-in default password (DESIGN §6.8): Camunda's admin user gets {@code pim.admin.password}, or a
 * random one generated here, which {@link AdminUserReport} prints once, when the user is created.
 */
public class AdminPasswordEnvironment implements EnvironmentPostProcessor {
    static final String GENERATED = "pim.admin.generated-password";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        PimProperties.Admin settings = Binder.get(env).bindOrCreate("pim.admin", PimProperties.Admin.class);
        String user = settings.username();
        String password = settings.password();
        Map<String, Object> props = new HashMap<>();
        if (password == null || password.isBlank()) {
            password = generate();
            props.put(GENERATED, password);
        }
        props.put("camunda.bpm.admin-user.id", user);
        props.put("camunda.bpm.admin-user.password", password);
        env.getPropertySources().addFirst(new MapPropertySource("pimflow-admin-user", props));
    }

    static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
