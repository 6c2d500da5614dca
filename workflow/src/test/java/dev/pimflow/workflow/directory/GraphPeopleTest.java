package dev.pimflow.workflow.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.config.PimProperties;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * People across systems (DESIGN §9.2): a name is asked of Graph once per {@code pim.tickets.people-cache-ttl}, ignoring
 * case and surrounding blanks, whether the person was found or not; a failure to ask is never remembered.
 */
class GraphPeopleTest {
    private static final String ALINE = "AlineD@contoso.onmicrosoft.com";
    private static final String UNKNOWN = "nobody@contoso.com";
    private static final String UNREACHABLE = "later@contoso.com";

    private final List<String> asked = new ArrayList<>();
    private boolean graphDown = true;
    private Instant now = Instant.parse("2026-12-02T08:00:00Z");

    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private final PimDirectory pim = (PimDirectory) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {PimDirectory.class}, (proxy, method, args) -> {
                if (!method.getName().equals("userObjectId")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                String person = (String) args[0];
                asked.add(person);
                if (person.equalsIgnoreCase(UNREACHABLE) && graphDown) {
                    throw new PimException(PimException.Kind.RETRY, "Timeout", "no answer");
                }
                return person.equalsIgnoreCase(ALINE) ? Optional.of(TutorialTenant.ALINE_ID) : Optional.empty();
            });

    private final GraphPeople people = new GraphPeople(pim, clock, properties());

    private static PimProperties properties() {
        return new Binder(new MapConfigurationPropertySource(Map.of("pim.tickets.people-cache-ttl", "PT10M")))
                .bindOrCreate("pim", PimProperties.class);
    }

    @Test
    void aPersonFoundIsAskedOncePerTtlWhateverTheCaseAndBlanks() {
        assertThat(people.objectId(ALINE)).contains(TutorialTenant.ALINE_ID);
        assertThat(people.objectId("  alined@CONTOSO.onmicrosoft.com ")).contains(TutorialTenant.ALINE_ID);
        assertThat(asked).containsExactly(ALINE);

        now = now.plus(Duration.ofMinutes(10));
        assertThat(people.objectId(ALINE)).contains(TutorialTenant.ALINE_ID);
        assertThat(asked).containsExactly(ALINE, ALINE);
    }

    @Test
    void aPersonNotFoundIsRememberedAsNotFound() {
        assertThat(people.objectId(UNKNOWN)).isEmpty();
        assertThat(people.objectId(" NOBODY@contoso.com")).isEmpty();
        assertThat(asked).containsExactly(UNKNOWN);
    }

    @Test
    void aFailureToAskIsNotRemembered() {
        PimException e = catchThrowableOfType(PimException.class, () -> people.objectId(UNREACHABLE));
        assertThat(e).as("the failure reaches the caller").isNotNull();
        assertThat(e.kind()).isEqualTo(PimException.Kind.RETRY);

        graphDown = false;
        assertThat(people.objectId(UNREACHABLE)).isEmpty();
        assertThat(asked).containsExactly(UNREACHABLE, UNREACHABLE);
    }

    @Test
    void noNameIsNoOne() {
        assertThat(people.objectId(null)).isEmpty();
        assertThat(people.objectId("  ")).isEmpty();
        assertThat(asked).isEmpty();
    }
}
