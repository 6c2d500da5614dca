package dev.pimflow.workflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.workflow.support.CockpitSession;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 17, finding 4: "anyone who reaches the port can lock the admin out for good". The attack runs over HTTP
 * against the real login surfaces (engine REST, the product API, Cockpit's login form), with the settings made small
 * so that it takes seconds: 5 failures per address before a block of 2 s, doubling up to 6 s, and Camunda's own
 * per-user delay at most 1 s (its base and factor as in application.yaml; loginMaxAttempts as in application.yaml).
 */
@TestPropertySource(
        properties = {
            "pim.logins.max-failures=5",
            "pim.logins.initial-delay=PT2S",
            "pim.logins.max-delay=PT6S",
            "camunda.bpm.generic-properties.properties.loginDelayMaxTime=1",
            // its own engine name (no hyphens): engine REST looks engines up by name in a JVM-wide registry
            "camunda.bpm.process-engine-name=loginthrottletest"
        })
@AutoConfigureObservability(tracing = false)
class LoginsAreThrottledPerAddressTest extends EndToEndTestBase {
    private static final String PASSWORD = "test-admin-password";
    /** This context's engine, by name: engine REST's and Cockpit's "default" may be another test context's engine. */
    private static final String ENGINE = "loginthrottletest";

    private static final String ENGINE_REST = "/engine-rest/engine/" + ENGINE;
    private static final Pattern LOCKOUTS = Pattern.compile(
            "^pimflow_login_lockouts_total\\{[^}]*surface=\"([^\"]+)\"[^}]*} ([0-9.Ee+-]+)$", Pattern.MULTILINE);

    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @LocalServerPort
    int port;

    @Autowired
    IdentityService identity;

    /**
     * One address loops over wrong passwords for admin on the three surfaces, 30 times (three times Camunda's default
     * loginMaxAttempts): (a) after 5 failures the address gets 429 with Retry-After and its guesses stop reaching a
     * password check; (b) once the delay has ended by itself the right password works on engine REST, the product API
     * and Cockpit, so admin was never locked for good; (c) the lockout is audited once per block and counted.
     */
    @Test
    void aLoginLoopFromOneAddressIsThrottledAndTheAdminIsNeverLockedOut() throws Exception {
        long lockoutsBefore = lockoutsInPrometheus();
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 30; i++) {
            HttpResponse<?> r = switch (i % 3) {
                case 0 -> get(ENGINE_REST + "/process-instance", basic("admin", "guess-" + i));
                case 1 -> get("/api/activations", basic("admin", "guess-" + i));
                default -> cockpitLogin("admin", "guess-" + i);
            };
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                retryAfter = r.headers().firstValue("Retry-After").orElse(null);
            }
        }
        // (a) the first five failures were answered 401, every later guess of the loop refused before any password
        // check
        assertThat(statuses.subList(0, 5)).as("statuses " + statuses).containsOnly(401);
        assertThat(statuses.stream().filter(s -> s == 429).count())
                .as("statuses " + statuses)
                .isGreaterThanOrEqualTo(20);
        assertThat(statuses).as("statuses " + statuses).containsOnly(401, 429);
        assertThat(retryAfter).isNotNull();
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 6);
        // the address's guesses stopped reaching Camunda, so its count of admin's failed logins stayed small
        assertThat(adminFailedLogins()).isLessThan(10);

        // (b) the block ends by itself (at most max-delay, 6 s): the right password works everywhere
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> get(ENGINE_REST + "/process-instance", basic("admin", PASSWORD))
                                .statusCode()
                        == 200);
        assertThat(get("/api/activations", basic("admin", PASSWORD)).statusCode())
                .isEqualTo(200);
        assertThat(cockpitLogin("admin", PASSWORD).statusCode()).isEqualTo(200);
        assertThat(adminFailedLogins()).isZero();

        // (c) audited: one record per block (not per refused request), naming the user tried and the address
        long blocks = statuses.stream().filter(s -> s == 401).count()
                - 4; // the 5th failure and every later one start a block
        await().atMost(WAIT).until(() -> throttled("127.0.0.1").size() >= blocks);
        List<AuditRecord> records = throttled("127.0.0.1");
        assertThat(records).hasSize((int) blocks);
        AuditRecord first = records.get(0);
        assertThat(first.actor()).isEqualTo("admin");
        assertThat(first.outcome()).isEqualTo("refused");
        assertThat(first.details())
                .containsEntry("failures", 5)
                .containsEntry("lockedForSeconds", 2)
                .containsKey("surface");
        // ... and counted in /actuator/prometheus
        assertThat(lockoutsInPrometheus() - lockoutsBefore).isEqualTo(blocks);
        assertThat(prometheus()).contains("pimflow_login_failures_total").contains("pimflow_login_refused_total");
        awaitAuditChained();
        assertThat(auditIntact()).isTrue();
    }

    /**
     * Camunda's own per-user lock never becomes permanent, even for guesses spread over many addresses (each below
     * the per-address limit, as a botnet would send them): the loop goes on until Camunda has counted as many failed
     * logins for admin as its default loginMaxAttempts (10, after which ENGINE-27002 locked admin for good), and
     * once the last per-user delay (at most 1 s here, 10 s by default) has passed, the right password works.
     */
    @Test
    void guessesFromManyAddressesNeverLockTheAdminForGood() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int sent = 0;
        while (adminFailedLogins() < 10) {
            assertThat(System.nanoTime())
                    .as("Camunda counted 10 failed logins within a minute")
                    .isLessThan(deadline);
            String from = "127.0.1." + (10 + sent / 2 % 200); // two guesses per address, below max-failures
            assertThat(rawGet(from, ENGINE_REST + "/process-instance", basic("admin", "botnet-" + sent)))
                    .isEqualTo(401);
            sent++;
            Thread.sleep(150);
        }
        Thread.sleep(1500);
        assertThat(rawGet("127.0.2.1", ENGINE_REST + "/process-instance", basic("admin", PASSWORD)))
                .isEqualTo(200);
        assertThat(rawGet("127.0.2.1", "/api/activations", basic("admin", PASSWORD)))
                .isEqualTo(200);
        assertThat(adminFailedLogins()).isZero();
    }

    /** Spring's Basic converter also takes "Basic\t…" or "basic…": such guesses are counted like any other. */
    @Test
    void credentialsSpelledAnyOtherWayAreCountedToo() throws Exception {
        String from = "127.0.3.1";
        String[] spellings = {"Basic\t", "basic ", "BASIC  ", "Basic\t", "basic\t"};
        for (String spelling : spellings) {
            String guess = spelling
                    + java.util.Base64.getEncoder()
                            .encodeToString("nobody:guess".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(rawGet(from, "/api/activations", guess))
                    .as(spelling.replace("\t", "\\t"))
                    .isEqualTo(401);
        }
        assertThat(rawGet(
                        from,
                        "/api/activations",
                        "Basic\t"
                                + java.util.Base64.getEncoder()
                                        .encodeToString(
                                                "nobody:guess".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isEqualTo(429);
    }

    private List<AuditRecord> throttled(String address) {
        return audit.forActivation(AuditEntry.NO_ACTIVATION).stream()
                .filter(r -> AuditAction.LOGIN_THROTTLED.is(r.action())
                        && address.equals(r.details().get("clientAddress")))
                .toList();
    }

    /** Camunda's count of admin's failed logins since its last successful one (what loginMaxAttempts is compared with). */
    private int adminFailedLogins() {
        return ((UserEntity) identity.createUserQuery().userId("admin").singleResult()).getAttempts();
    }

    private long lockoutsInPrometheus() throws Exception {
        String text = prometheus();
        assertThat(text).contains("pimflow_login_lockouts_total");
        Matcher m = LOCKOUTS.matcher(text);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return Math.round(sum);
    }

    /** Read from another loopback address than the attacker's, which may still be blocked. */
    private String prometheus() throws Exception {
        return rawRequest("127.0.3.1", "/actuator/prometheus", basic("admin", PASSWORD)).body;
    }

    private HttpResponse<Void> get(String path, String authorization) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", authorization)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private HttpResponse<String> cockpitLogin(String user, String password) {
        return CockpitSession.open(port, ENGINE).login(user, password);
    }

    private int rawGet(String from, String path, String authorization) throws IOException {
        return rawRequest(from, path, authorization).status;
    }

    private record Raw(int status, String body) {}

    /**
     * A GET sent from the given loopback address (Linux routes all of 127.0.0.0/8 to the loopback interface), so that
     * the server sees another client address: java.net.http cannot choose its local address on Java 17.
     */
    private Raw rawRequest(String from, String path, String authorization) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(15000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: " + authorization
                            + "\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            int status = Integer.parseInt(line(in).split(" ")[1]);
            int length = -1;
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                        size > 0;
                        size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
            } else if (length >= 0) {
                body.write(in.readNBytes(length));
            } else if (status != 204 && status != 304) {
                body.write(in.readAllBytes());
            }
            return new Raw(status, body.toString(StandardCharsets.UTF_8));
        }
    }

    /** One CRLF-terminated line of an HTTP response head, without its end. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
