package dev.pimflow.workflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.workflow.PimflowApplication;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Issue 17, finding 4: "restarting with PIM_ADMIN_PASSWORD does not unlock it". The admin is locked for good the way
 * Camunda does it (real failed {@code checkPassword} calls up to loginMaxAttempts, the engine's default of 10 that
 * pimflow's earlier builds ran with, and no delay between them so that the test is quick), the orchestrator is stopped
 * and started again on the same database with the same {@code pim.admin.password}: the admin can log in again, and the
 * unlock is in the audit trail.
 */
@EmbeddedKafka(kraft = true, partitions = 3)
class LockedAdminIsUnlockedAtStartTest {
    private static final String PASSWORD = "the-operators-admin-password";

    @Test
    void startingWithPimAdminPasswordUnlocksAnAdminCamundaLockedForGood() {
        String[] args = {
            "--spring.datasource.url=jdbc:h2:mem:unlock-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "--server.port=0",
            "--pim.admin.password=" + PASSWORD,
            "--camunda.bpm.generic-properties.properties.loginMaxAttempts=10",
            "--camunda.bpm.generic-properties.properties.loginDelayBase=0",
            // its own engine name: the other test contexts of this JVM keep theirs registered by name
            "--camunda.bpm.process-engine-name=lockedadmintest"
        };
        try (ConfigurableApplicationContext first = start(args)) {
            IdentityService identity = first.getBean(IdentityService.class);
            assertThat(identity.checkPassword("admin", PASSWORD)).isTrue();
            for (int i = 0; i < 10; i++) {
                assertThat(identity.checkPassword("admin", "wrong-" + i)).isFalse();
            }
            assertThat(identity.checkPassword("admin", PASSWORD))
                    .as("locked for good (ENGINE-27002)")
                    .isFalse();
        }
        try (ConfigurableApplicationContext second = start(args)) {
            assertThat(second.getBean(IdentityService.class).checkPassword("admin", PASSWORD))
                    .as("unlocked at start")
                    .isTrue();
            AuditTrail audit = second.getBean(AuditTrail.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.pendingCount() == 0);
            List<AuditRecord> unlocked = audit.forActivation(AuditEntry.NO_ACTIVATION).stream()
                    .filter(r -> AuditAction.ADMIN_UNLOCKED.is(r.action()))
                    .toList();
            assertThat(unlocked).hasSize(1);
            assertThat(unlocked.get(0).details()).containsEntry("user", "admin").containsEntry("failedLogins", 10);
        }
    }

    private static ConfigurableApplicationContext start(String[] args) {
        return new SpringApplicationBuilder(PimflowApplication.class)
                .profiles("test")
                .run(args);
    }
}
