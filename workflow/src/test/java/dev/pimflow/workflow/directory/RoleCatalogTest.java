package dev.pimflow.workflow.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.RoleDefinition;
import dev.pimflow.workflow.config.PimProperties;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Role definitions and policies are asked once per TTL; an unknown role is asked again every time. */
class RoleCatalogTest {
    private static final String USER_ADMINISTRATOR = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;

    private final AtomicInteger roleCalls = new AtomicInteger();
    private final AtomicInteger policyCalls = new AtomicInteger();
    private Instant now = Instant.parse("2026-11-28T10:00:00Z");

    private final PimDirectory pim = (PimDirectory) Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {PimDirectory.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "roleDefinition" -> {
                    roleCalls.incrementAndGet();
                    if (!USER_ADMINISTRATOR.equals(args[0])) {
                        throw new PimException(PimException.Kind.DENY, "RoleNotFound", "no such role");
                    }
                    yield new RoleDefinition(USER_ADMINISTRATOR, "User Administrator");
                }
                case "activationPolicy" -> {
                    policyCalls.incrementAndGet();
                    yield new ActivationPolicy(Duration.ofHours(8), true, false, false, true);
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private RoleCatalog catalog(String ttl) {
        PimProperties properties = new Binder(
                        new MapConfigurationPropertySource(Map.of("pim.graph.role-cache-ttl", ttl)))
                .bindOrCreate("pim", PimProperties.class);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new RoleCatalog(pim, clock, properties);
    }

    @Test
    void aRoleAndItsPolicyAreAskedOncePerTtl() {
        RoleCatalog catalog = catalog("PT5M");
        for (int i = 0; i < 3; i++) {
            assertThat(catalog.role(USER_ADMINISTRATOR).displayName()).isEqualTo("User Administrator");
            assertThat(catalog.policy(USER_ADMINISTRATOR.toUpperCase()).maximumDuration())
                    .isEqualTo(Duration.ofHours(8));
        }
        assertThat(roleCalls).hasValue(1);
        assertThat(policyCalls).hasValue(1);

        now = now.plus(Duration.ofMinutes(5));
        catalog.role(USER_ADMINISTRATOR);
        catalog.policy(USER_ADMINISTRATOR);
        assertThat(roleCalls).hasValue(2);
        assertThat(policyCalls).hasValue(2);
    }

    @Test
    void anUnknownRoleIsNotRemembered() {
        RoleCatalog catalog = catalog("PT5M");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> catalog.role("00000000-0000-0000-0000-000000000000"))
                    .isInstanceOf(PimException.class);
        }
        assertThat(roleCalls).hasValue(2);
    }

    @Test
    void aZeroTtlAsksEveryTime() {
        RoleCatalog catalog = catalog("PT0S");
        catalog.role(USER_ADMINISTRATOR);
        catalog.role(USER_ADMINISTRATOR);
        assertThat(roleCalls).hasValue(2);
    }
}
