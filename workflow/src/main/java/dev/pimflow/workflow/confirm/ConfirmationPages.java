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
        StringBuilder html = open(page.title());
        rest(page, html, csrf, challengeId);
        return close(html);
    }

    /** The approval page (DESIGN §9.3): the stage's request, its stage and due time, the form while it can be decided. */
    static String renderApproval(ApproverSignIns.View page, CsrfToken csrf) {
        StringBuilder html = open(page.title());
        Activation a = page.activation();
        if (a != null) {
            html.append("<p>")
                    .append(page.canDecide() ? "You are asked to approve this privileged access:" : "The request:")
                    .append("</p>\n<dl id=\"request\">");
            request(html, a, page.duration());
            row(html, "Stage", page.stage().stage() + " of " + page.stage().stages());
            row(html, "Decide before", time(page.stage().dueAt()));
            html.append("</dl>\n");
        }
        message(html, page.message());
        if (page.canDecide() && csrf != null) {
            html.append("<form method=\"post\" action=\"/approve/")
                    .append(e(page.stage().id()))
                    .append("\">");
            csrf(html, csrf);
            html.append("<label for=\"justification\">Your justification")
                    .append(page.stage().justificationRequired() ? " (required)" : "")
                    .append("</label><textarea id=\"justification\" name=\"justification\" rows=\"3\" maxlength=\"")
                    .append(dev.pimflow.workflow.activation.ApprovalDecisions.MAX_JUSTIFICATION)
                    .append("\"></textarea>")
                    .append("<p>Approve or Deny takes you to your organization's sign-in page: sign in again, with")
                    .append(" your second factor, as yourself.</p>");
            buttons(html);
        }
        return close(html);
    }

    /** The page's head, its style and its title. */
    static StringBuilder open(String title) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>pimflow: ")
                .append(e(title))
                .append("</title><style>")
                .append(
                        "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}")
                .append("dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}")
                .append(
                        "dd{margin:0;overflow-wrap:anywhere}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}")
                .append(
                        ".approve{background:#0a6b2e;color:#fff;border:0}.deny{background:#fff;border:1px solid #a00;color:#a00}")
                .append("textarea{width:100%;font:inherit;margin:.3rem 0 1rem}")
                .append("</style></head><body>\n<h1 id=\"title\">")
                .append(e(title))
                .append("</h1>\n");
        return html;
    }

    /** The page's end. */
    static String close(StringBuilder html) {
        html.append(
                "<p><small>pimflow: privileged access that ends when the ticket does.</small></p>\n</body></html>\n");
        return html.toString();
    }

    /** The request's rows every page shows: role, scope, ticket, the requester's justification, the requester. */
    static void request(StringBuilder html, Activation a, String duration) {
        row(html, "Role", a.roleDisplayName() == null ? a.roleDefinitionId() : a.roleDisplayName());
        row(
                html,
                "Scope",
                a.directoryScopeId() == null || "/".equals(a.directoryScopeId())
                        ? "the whole directory (/)"
                        : a.directoryScopeId());
        row(html, "Duration", duration(duration));
        row(html, "Ticket", a.ticketNumber());
        row(html, "Ticket system", a.ticketSystem());
        row(html, "Justification", a.justification());
        row(html, "For (requester)", a.principalId());
    }

    /** The page's message. */
    static void message(StringBuilder html, String message) {
        if (message != null) {
            html.append("<p id=\"message\">").append(e(message)).append("</p>\n");
        }
    }

    /** A form's CSRF field. */
    static void csrf(StringBuilder html, CsrfToken csrf) {
        html.append("<input type=\"hidden\" name=\"")
                .append(e(csrf.getParameterName()))
                .append("\" value=\"")
                .append(e(csrf.getToken()))
                .append("\">");
    }

    static String time(java.time.Instant t) {
        return TIME.format(t);
    }

    private static void rest(Confirmations.Page page, StringBuilder html, CsrfToken csrf, String challengeId) {
        Activation a = page.activation();
        if (a != null) {
            html.append("<p>")
                    .append(
                            page.canDecide()
                                    ? "You are asked to confirm that you need this privileged access:"
                                    : "The request:")
                    .append("</p>\n<dl id=\"request\">");
            request(html, a, a.requestedDuration());
            if (a.challengeExpiresAt() != null) {
                row(html, "Confirm before", TIME.format(a.challengeExpiresAt()));
            }
            html.append("</dl>\n");
        }
        message(html, page.message());
        if (page.canDecide() && csrf != null && challengeId != null) {
            html.append("<form method=\"post\" action=\"/confirm/")
                    .append(e(challengeId))
                    .append("\">");
            csrf(html, csrf);
            html.append("<p>Approve or Deny takes you to your organization's sign-in page: sign in again, with")
                    .append(" your second factor, as yourself.</p>");
            buttons(html);
        }
    }

    /** Approve and Deny, and the form's end. */
    static void buttons(StringBuilder html) {
        html.append("<button id=\"approve\" class=\"approve\" name=\"decision\" value=\"approve\">Approve</button>")
                .append("<button id=\"deny\" class=\"deny\" name=\"decision\" value=\"deny\">Deny</button>")
                .append("</form>\n");
    }

    static void row(StringBuilder html, String name, String value) {
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

    static String e(String s) {
        return HtmlUtils.htmlEscape(s == null ? "" : s);
    }
}
