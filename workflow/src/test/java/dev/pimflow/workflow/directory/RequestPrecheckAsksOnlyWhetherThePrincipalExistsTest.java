package dev.pimflow.workflow.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.RoleDefinition;
import dev.pimflow.workflow.config.PimProperties;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The ticket listener's precheck asks the directory whether the principal exists ({@code requirePrincipal}), never
 * its eligibility (validation asks that of Graph a moment later), once per {@code pim.precheck.principal-ttl}; an
 * unknown principal is bad input naming {@code data.principalId}, and a directory it cannot reach lets the request go
 * on to validation.
 */
class RequestPrecheckAsksOnlyWhetherThePrincipalExistsTest {
    private static final String USER_ADMINISTRATOR = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;
    private static final String UNKNOWN = "00000000-0000-0000-0000-00000000dead";
    private static final String UNREACHABLE = "00000000-0000-0000-0000-0000000000ff";

    private final List<String> asked = new ArrayList<>();

    private final PimDirectory pim = (PimDirectory) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {PimDirectory.class}, (proxy, method, args) -> {
                asked.add(method.getName() + (method.getName().equals("roleDefinition") ? "" : " " + args[0]));
                return switch (method.getName()) {
                    case "roleDefinition" -> new RoleDefinition(USER_ADMINISTRATOR, "User Administrator");
                    case "requirePrincipal" -> {
                        if (UNKNOWN.equals(args[0])) {
                            throw new PimException(PimException.Kind.DENY, "SubjectNotFound", "no user");
                        }
                        if (UNREACHABLE.equals(args[0])) {
                            throw new PimException(PimException.Kind.RETRY, "Timeout", "no answer");
                        }
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            });

    private final RequestPrecheck precheck = new RequestPrecheck(
            pim,
            new RoleCatalog(pim, Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC), properties()),
            Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC),
            properties());

    private static PimProperties properties() {
        return new Binder(new MapConfigurationPropertySource(Map.of("pim.precheck.principal-ttl", "PT10M")))
                .bindOrCreate("pim", PimProperties.class);
    }

    private static ActivationRequested request(String principal) {
        return new ActivationRequested(
                "Contoso ICM", "CONTOSO:1", principal, USER_ADMINISTRATOR, "/", "because", Duration.ofHours(1));
    }

    @Test
    void aKnownPrincipalIsAskedWhetherItExistsOncePerTtlAndNeverForItsEligibility() {
        precheck.check(request(TutorialTenant.ALINE_ID));
        precheck.check(request(TutorialTenant.ALINE_ID));

        assertThat(asked).containsExactly("roleDefinition", "requirePrincipal " + TutorialTenant.ALINE_ID);
    }

    @Test
    void anUnknownPrincipalIsBadInputNamingTheField() {
        InvalidEventException e =
                catchThrowableOfType(InvalidEventException.class, () -> precheck.check(request(UNKNOWN)));

        assertThat(e).as("an InvalidEventException").isNotNull();
        assertThat(e.field()).isEqualTo("data.principalId");
        assertThat(e.reason()).isEqualTo("unknown principal (SubjectNotFound)");
        assertThat(asked).containsExactly("roleDefinition", "requirePrincipal " + UNKNOWN);
    }

    @Test
    void aDirectoryThatDoesNotAnswerLetsTheRequestGoOnToValidation() {
        assertThatCode(() -> precheck.check(request(UNREACHABLE))).doesNotThrowAnyException();
        assertThat(asked).containsExactly("roleDefinition", "requirePrincipal " + UNREACHABLE);
    }
}
