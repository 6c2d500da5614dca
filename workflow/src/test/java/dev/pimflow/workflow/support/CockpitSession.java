package dev.pimflow.workflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A browser's session in Cockpit, the way the page drives it: the session's CSRF token from the page, the login form,
 * then Cockpit's own engine API with the token and the page as referer.
 */
public final class CockpitSession {
    private final CookieManager cookies = new CookieManager();
    private final HttpClient browser = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    private final String base;
    private final String engine;
    private String csrf;

    private CockpitSession(int port, String engine) {
        this.base = "http://localhost:" + port;
        this.engine = engine;
        this.csrf = pageToken();
    }

    /** Opens the Cockpit page of the named engine ("default" unless a test context names its own). */
    public static CockpitSession open(int port, String engine) {
        return new CockpitSession(port, engine);
    }

    /** Posts the login form; after a successful login the page hands out the new session's token, as to the browser. */
    public HttpResponse<String> login(String user, String password) {
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> r = request(
                "POST",
                "/camunda/api/admin/auth/user/" + engine + "/login/cockpit",
                form,
                "application/x-www-form-urlencoded");
        if (r.statusCode() == 200) {
            csrf = pageToken();
        }
        return r;
    }

    /** A JSON call of Cockpit's engine API, e.g. {@code /camunda/api/engine/engine/default/job/{id}/retries}. */
    public HttpResponse<String> send(String method, String path, String json) {
        return request(method, path, json, "application/json");
    }

    private HttpResponse<String> request(String method, String path, String body, String contentType) {
        HttpResponse<String> r = exchange(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .header("X-XSRF-TOKEN", csrf)
                .header("Referer", page())
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
        r.headers().firstValue("X-XSRF-TOKEN").ifPresent(t -> csrf = t);
        return r;
    }

    private String pageToken() {
        HttpResponse<String> page =
                exchange(HttpRequest.newBuilder(URI.create(page())).GET());
        return page.headers()
                .firstValue("X-XSRF-TOKEN")
                .orElseGet(() -> cookies.getCookieStore().getCookies().stream()
                        .filter(c -> c.getName().equals("XSRF-TOKEN"))
                        .map(HttpCookie::getValue)
                        .findFirst()
                        .orElseThrow());
    }

    private String page() {
        return base + "/camunda/app/cockpit/" + engine + "/";
    }

    private HttpResponse<String> exchange(HttpRequest.Builder b) {
        try {
            return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
