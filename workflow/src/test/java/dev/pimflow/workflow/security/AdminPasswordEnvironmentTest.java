package dev.pimflow.workflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** DESIGN §6.8: there is no built-in default password. */
class AdminPasswordEnvironmentTest {

    @Test
    void withoutAConfiguredPasswordARandomOneIsGenerated() {
        MockEnvironment first = new MockEnvironment();
        MockEnvironment second = new MockEnvironment();
        new AdminPasswordEnvironment().postProcessEnvironment(first, new SpringApplication());
        new AdminPasswordEnvironment().postProcessEnvironment(second, new SpringApplication());
        String password = first.getProperty("camunda.bpm.admin-user.password");
        assertThat(password)
                .hasSize(24)
                .isNotEqualTo("admin")
                .isNotEqualTo(second.getProperty("camunda.bpm.admin-user.password"));
        assertThat(first.getProperty("camunda.bpm.admin-user.id")).isEqualTo("admin");
    }

    @Test
    void aConfiguredPasswordIsUsed() {
        MockEnvironment env = new MockEnvironment().withProperty("pim.admin.password", "chosen-by-the-operator");
        new AdminPasswordEnvironment().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("camunda.bpm.admin-user.password")).isEqualTo("chosen-by-the-operator");
        assertThat(env.getProperty("pim.admin.generated-password")).isNull();
    }
}
