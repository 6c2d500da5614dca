package dev.pimflow.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.workflow.support.CockpitSession;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * DESIGN §6.8: Cockpit, the engine REST API, the product REST API and the development MFA gateway reject anonymous
 * callers and wrong credentials; the configured admin gets in.
 */
class AuthenticationIsRequiredTest extends EndToEndTestBase {
    private static final String PASSWORD = "test-admin-password";
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @LocalServerPort
    int port;

    // /engine-rest/engine (the engine names) is one Camunda's own filter lets through anonymously (issue 17, finding 8)
    private static final List<String> APIS = List.of(
            "/engine-rest/process-instance",
            "/engine-rest/incident",
            "/engine-rest/engine",
            "/api/activations",
            "/api/audit/verify",
            "/dev/mfa/challenges",
            "/actuator/info",
            "/api/openapi.json");

    @Test
    void apisRejectAnonymousAndWrongCredentialsAndAcceptTheAdmin() throws Exception {
        for (String path : APIS) {
            assertThat(get(path, null)).as("anonymous " + path).isEqualTo(401);
            assertThat(get(path, basic("admin", "wrong-password")))
                    .as("wrong password " + path)
                    .isEqualTo(401);
            assertThat(get(path, basic("nobody", PASSWORD)))
                    .as("unknown user " + path)
                    .isEqualTo(401);
        }
        Thread.sleep(3100); // Camunda delays a user's next login after a failed one (brute-force protection)
        for (String path : APIS) {
            assertThat(get(path, basic("admin", PASSWORD))).as("admin " + path).isEqualTo(200);
        }
    }

    @Test
    void cockpitLoginRejectsWrongCredentialsAndAcceptsTheAdmin() throws Exception {
        assertThat(cockpitLogin("admin", "admin")).isEqualTo(401);
        assertThat(cockpitLogin("admin", "")).isEqualTo(401);
        Thread.sleep(3100);
        assertThat(cockpitLogin("admin", PASSWORD)).isEqualTo(200);
    }

    @Test
    void cockpitDataNeedsALogin() throws Exception {
        assertThat(get("/camunda/api/cockpit/plugin/base/default/process-definition/statistics", null))
                .isIn(401, 403);
        assertThat(get("/camunda/api/engine/engine/default/process-definition", null))
                .isIn(401, 403);
    }

    @Test
    void healthIsOpenForProbesWithoutDetails() throws Exception {
        assertThat(get("/actuator/health", null)).isEqualTo(200);
        String anonymous = http.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(anonymous).isEqualTo("{\"status\":\"UP\"}");
    }

    /** Issue 17, finding 8: the embedded default's HTTP port answers on loopback only (SERVER_ADDRESS opens it). */
    @Test
    void httpAnswersOnLoopbackOnly() throws Exception {
        java.net.InetAddress external =
                java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                        .filter(i -> {
                            try {
                                return i.isUp() && !i.isLoopback();
                            } catch (java.net.SocketException e) {
                                return false;
                            }
                        })
                        .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                        .filter(a -> a instanceof java.net.Inet4Address)
                        .findFirst()
                        .orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                external != null, "this host has no non-loopback IPv4 address to try");
        assertThat(get("/actuator/health", null)).isEqualTo(200); // on loopback it answers
        try (java.net.Socket s = new java.net.Socket()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> s.connect(new java.net.InetSocketAddress(external, port), 2000))
                    .as("connect to " + external.getHostAddress() + ":" + port)
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    private int cockpitLogin(String user, String password) {
        return CockpitSession.open(port, "default").login(user, password).statusCode();
    }

    private int get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
