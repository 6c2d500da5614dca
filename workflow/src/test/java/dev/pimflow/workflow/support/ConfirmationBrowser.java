package dev.pimflow.workflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser on the confirmation page, over plain HTTP: its own cookies (the page's CSRF cookie, the cookie that binds a
 * sign-in to this browser), no redirects followed, so a test sees each step: the page, the redirect to the identity
 * provider, the provider's redirect back, the result page.
 */
public final class ConfirmationBrowser {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    /** Opens the page and clicks Approve or Deny: the response is the redirect to the provider (or a refusal page). */
    public HttpResponse<String> click(String confirmUrl, String decision) {
        HttpResponse<String> page = get(confirmUrl);
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) {
            throw new IllegalStateException(
                    "the confirmation page (HTTP " + page.statusCode() + ") has no form: " + page.body());
        }
        return post(
                confirmUrl,
                "_csrf=" + URLEncoder.encode(unescape(m.group(1)), StandardCharsets.UTF_8) + "&decision=" + decision);
    }

    public HttpResponse<String> post(String url, String form) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }

    /** Where a redirect points. */
    public static URI location(HttpResponse<String> response) {
        return URI.create(response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new IllegalStateException(
                        "HTTP " + response.statusCode() + " without a Location: " + response.body())));
    }

    private static String unescape(String html) {
        return html.replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
