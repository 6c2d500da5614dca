package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** Calls are logged with method, path, status and client-request-id; tokens never are (DESIGN 6.8). */
class GraphPimClientLoggingTest {

    /** Records every token it hands out. */
    static final class RecordingCredential implements TokenCredential {
        final List<String> issued = new CopyOnWriteArrayList<>();
        final SimulatorTokenCredential delegate = new SimulatorTokenCredential();

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.fromSupplier(() -> getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            assertThat(request.getScopes()).containsExactly(GraphPimClient.DEFAULT_SCOPE);
            AccessToken t = delegate.getTokenSync(request);
            issued.add(t.getToken());
            return t;
        }
    }

    @Test
    void tokensNeverReachTheLog() {
        Logger root = (Logger) LoggerFactory.getLogger("dev.pimflow");
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
        RecordingCredential credential = new RecordingCredential();
        try (GraphSimulator simulator = GraphSimulator.start(0)) {
            GraphPimClient client = new GraphPimClient(GraphClientSettings.defaults(simulator.baseUrl()), credential);
            client.eligibility(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/");
            client.assign(new AssignmentRequest(
                    ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/", Duration.ofHours(1), "j", "T-1", "S", "a-1"));
            client.remove(new RemovalRequest(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/", "done", "T-1", "S"));
        } finally {
            root.detachAppender(appender);
            root.setLevel(before);
        }
        assertThat(credential.issued).hasSize(1); // cached until near expiry
        List<String> lines = appender.list.stream()
                .map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : e.getThrowableProxy().getMessage()))
                .toList();
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .contains("POST /v1.0/roleManagement/directory/roleAssignmentScheduleRequests -> 201")
                        .contains("client-request-id"));
        String token = credential.issued.get(0);
        assertThat(lines)
                .noneSatisfy(
                        l -> assertThat(l).containsAnyOf(token, token.substring(0, 20), "Bearer", "Authorization"));
    }
}
