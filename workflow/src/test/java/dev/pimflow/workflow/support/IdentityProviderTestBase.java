package dev.pimflow.workflow.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The whole orchestrator confirming with a real OpenID Connect provider ({@link OidcProvider}, in-process) on a port
 * known before it starts, so {@code pim.public-url} (the confirmation links, the provider's redirect URI) names it.
 * Each subclass has its own provider and port ({@link #register}) and its own engine, since Spring keeps the contexts
 * of earlier classes running.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
public abstract class IdentityProviderTestBase extends EndToEndTestBase {

    /** The provider and port of one test class. */
    protected record Setup(OidcProvider provider, int port) {
        public String publicUrl() {
            return "http://localhost:" + port;
        }
    }

    protected static Setup setUp() {
        return new Setup(OidcProvider.start(), freePort());
    }

    protected static void register(DynamicPropertyRegistry registry, Setup setup) {
        registry.add("server.port", setup::port);
        registry.add("pim.public-url", setup::publicUrl);
        registry.add("pim.idp.issuer-uri", () -> setup.provider().issuerUri());
        registry.add("pim.idp.client-id", () -> OidcProvider.CLIENT_ID);
        registry.add("pim.idp.client-secret", () -> OidcProvider.CLIENT_SECRET);
    }

    protected abstract Setup setup();

    @AfterAll
    void stopProvider() {
        setup().provider().close();
    }

    /** A browser that opens the challenge's page, clicks, and signs in with these claims: the result page. */
    protected HttpResponse<String> confirm(
            ConfirmationBrowser browser, String confirmUrl, String decision, OidcProvider.Claims claims) {
        URI callback = signIn(browser, confirmUrl, decision, claims);
        return browser.get(callback.toString());
    }

    /** Clicks and signs in; returns where the provider sends the browser back (the callback with code and state). */
    protected URI signIn(ConfirmationBrowser browser, String confirmUrl, String decision, OidcProvider.Claims claims) {
        HttpResponse<String> toProvider = browser.click(confirmUrl, decision);
        if (toProvider.statusCode() != 303) {
            throw new IllegalStateException(
                    "clicking " + decision + " gave HTTP " + toProvider.statusCode() + ": " + toProvider.body());
        }
        return setup().provider().signIn(ConfirmationBrowser.location(toProvider), claims);
    }

    protected JsonNode challengeOf(String ticket) {
        return awaitChallenge(ticket).path("data");
    }

    /** The reasons of the confirmation page's refusals audited on the activation, in order. */
    protected List<String> refusals(String activationId) {
        return chainedAudit(activationId).stream()
                .filter(r -> AuditAction.MFA_REJECTED.is(r.action()))
                .map(AuditRecord::details)
                .map(d -> String.valueOf(d.get("reason")))
                .toList();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
