package dev.pimflow.workflow.confirm;

import dev.pimflow.workflow.store.Activation;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.util.HtmlUtils;

/** The confirmation page's HTML: plain, server-rendered, every value escaped, no script. */
final class ConfirmationPages {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ConfirmationPages() {}

    static String render(Confirmations.Page page, CsrfToken csrf, String challengeId) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>pimflow: ")
                .append(e(page.title()))
                .append("</title><style>")
                .append(
                        "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}")
                .append("dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}")
                .append(
                        "dd{margin:0;overflow-wrap:anywhere}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}")
                .append(
                        ".approve{background:#0a6b2e;color:#fff;border:0}.deny{background:#fff;border:1px solid #a00;color:#a00}")
                .append("</style></head><body>\n<h1 id=\"title\">")
                .append(e(page.title()))
                .append("</h1>\n");
        Activation a = page.activation();
        if (a != null) {
            html.append("<p>")
                    .append(
                            page.canDecide()
                                    ? "You are asked to confirm that you need this privileged access:"
                                    : "The request:")
                    .append("</p>\n<dl id=\"request\">");
            row(html, "Role", a.roleDisplayName() == null ? a.roleDefinitionId() : a.roleDisplayName());
            row(
                    html,
                    "Scope",
                    a.directoryScopeId() == null || "/".equals(a.directoryScopeId())
                            ? "the whole directory (/)"
                            : a.directoryScopeId());
            row(html, "Duration", duration(a.requestedDuration()));
            row(html, "Ticket", a.ticketNumber());
            row(html, "Ticket system", a.ticketSystem());
            row(html, "Justification", a.justification());
            row(html, "For (requester)", a.principalId());
            if (a.challengeExpiresAt() != null) {
                row(html, "Confirm before", TIME.format(a.challengeExpiresAt()));
            }
            html.append("</dl>\n");
        }
        if (page.message() != null) {
            html.append("<p id=\"message\">").append(e(page.message())).append("</p>\n");
        }
        if (page.canDecide() && csrf != null && challengeId != null) {
            html.append("<form method=\"post\" action=\"/confirm/")
                    .append(e(challengeId))
                    .append("\"><input type=\"hidden\" name=\"")
                    .append(e(csrf.getParameterName()))
                    .append("\" value=\"")
                    .append(e(csrf.getToken()))
                    .append("\">")
                    .append("<p>Approve or Deny takes you to your organization's sign-in page: sign in again, with")
                    .append(" your second factor, as yourself.</p>")
                    .append(
                            "<button id=\"approve\" class=\"approve\" name=\"decision\" value=\"approve\">Approve</button>")
                    .append("<button id=\"deny\" class=\"deny\" name=\"decision\" value=\"deny\">Deny</button>")
                    .append("</form>\n");
        }
        html.append(
                "<p><small>pimflow: privileged access that ends when the ticket does.</small></p>\n</body></html>\n");
        return html.toString();
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<dt>")
                .append(e(name))
                .append("</dt><dd>")
                .append(e(value == null ? "(none)" : value))
                .append("</dd>");
    }

    private static String duration(String iso) {
        try {
            Duration d = Duration.parse(iso);
            long h = d.toHours();
            long m = d.toMinutesPart();
            return (h > 0 ? h + " h" : "")
                    + (m > 0 ? (h > 0 ? " " : "") + m + " min" : "")
                    + (h == 0 && m == 0 ? iso : "");
        } catch (RuntimeException ex) {
            return iso;
        }
    }

    private static String e(String s) {
        return HtmlUtils.htmlEscape(s == null ? "" : s);
    }
}
