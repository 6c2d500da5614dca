package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A pimflow login for an approver, made by the admin through engine REST's identity endpoints, as an admin would in
 * Camunda Admin: the orchestrator counts a login's decision for the person whose directory e-mail is the login's
 * Camunda e-mail, and only from a member of Camunda group {@value #GROUP}. The login gets a fresh random password each
 * time (an existing login's is replaced, with the admin's own password as Camunda asks), which is only ever sent to
 * the orchestrator: in the request that sets it and in the login's Authorization header.
 */
final class ApproverLogin {
    /** The orchestrator's approvers group ({@code Roles.APPROVERS}): its members may decide approvals. */
    static final String GROUP = "pimflowApprovers";

    private static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final String DIGITS = "23456789";
    private static final String SYMBOLS = "-_.!";
    private static final int PASSWORD_LENGTH = 28;

    /** The login as the approver, and what was done to make it: e.g. {@code created}, {@code added to ...}. */
    record Made(ApiClient api, List<String> changes) {}

    private final ApiClient admin;
    private final SecureRandom random;

    ApproverLogin(ApiClient admin, SecureRandom random) {
        this.admin = admin;
        this.random = random;
    }

    /**
     * Makes sure login {@code userId} exists with this name and {@code email}, a new password and membership of
     * {@value #GROUP}; returns the API as that login. Every refusal is one line naming the call and Camunda's reason.
     */
    Made ensure(String userId, String firstName, String lastName, String email) {
        String password = password();
        List<String> changes = new ArrayList<>();
        String id = URLEncoder.encode(userId, StandardCharsets.UTF_8);
        JsonNode found = list("/user?id=" + id);
        ObjectNode profile = Events.mapper()
                .createObjectNode()
                .put("id", userId)
                .put("firstName", firstName)
                .put("lastName", lastName)
                .put("email", email);
        if (found.isEmpty()) {
            ObjectNode body = Events.mapper().createObjectNode();
            body.set("profile", profile);
            body.putObject("credentials").put("password", password);
            expect204(admin.engine("POST", "/user/create", body.toString()), "POST", "/user/create");
            changes.add("created");
        } else {
            String had = found.get(0).path("email").asText("");
            if (!had.equalsIgnoreCase(email)) {
                expect204(
                        admin.engine("PUT", "/user/" + id + "/profile", profile.toString()),
                        "PUT",
                        "/user/" + id + "/profile");
                changes.add("e-mail set (was " + (had.isEmpty() ? "none" : had) + ")");
            }
            expect204(admin.setPassword(userId, password), "PUT", "/user/" + id + "/credentials");
            changes.add("new password");
        }
        if (list("/user?id=" + id + "&memberOfGroup=" + GROUP).isEmpty()) {
            String path = "/group/" + GROUP + "/members/" + id;
            expect204(admin.engine("PUT", path, null), "PUT", path);
            changes.add("added to " + GROUP);
        }
        ApiClient as = admin.as(
                userId,
                password,
                "the password the demo has just set was not taken (Camunda delays a login after failed attempts, "
                        + "pim.logins blocks an address after many): run the demo again in a minute");
        return new Made(as, List.copyOf(changes));
    }

    /** A fresh password: random letters and digits, with a digit and a symbol, for a Camunda password policy if set. */
    private String password() {
        String all = LETTERS + DIGITS;
        StringBuilder b = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH - 2; i++) {
            b.append(all.charAt(random.nextInt(all.length())));
        }
        b.insert(random.nextInt(b.length() + 1), DIGITS.charAt(random.nextInt(DIGITS.length())));
        b.insert(random.nextInt(b.length() + 1), SYMBOLS.charAt(random.nextInt(SYMBOLS.length())));
        return b.toString();
    }

    /** A GET of engine REST that answers a JSON array (a user query). */
    private JsonNode list(String pathAndQuery) {
        Http.Answer a = admin.engine("GET", pathAndQuery, null);
        String path = pathAndQuery.substring(0, pathAndQuery.indexOf('?'));
        if (a.status() == 404) {
            throw new CliException(
                    "GET " + admin.base() + "/engine-rest" + path + " answered 404: the orchestrator has "
                            + "no engine REST, where the demo makes its approver login (is --url the embedded default?)");
        }
        if (!a.ok()) {
            throw refused(a, "GET", path);
        }
        if (a.body() == null || !a.body().isArray()) {
            throw new CliException("GET " + admin.base() + "/engine-rest" + path + " did not answer a JSON array: is "
                    + admin.base() + " a pimflow orchestrator? (check --url)");
        }
        return a.body();
    }

    private void expect204(Http.Answer a, String method, String path) {
        if (!a.ok()) {
            throw refused(a, method, path);
        }
    }

    /** A refused identity call: the call, its status and Camunda's reason, and what to check for a 403. */
    private CliException refused(Http.Answer a, String method, String path) {
        String hint = a.status() == 403
                ? ": user '" + admin.user() + "' may not manage Camunda users and groups; use the admin user (--user)"
                : "";
        return new CliException(method + " " + admin.base() + "/engine-rest" + path + " answered " + a.status() + ": "
                + ApiClient.engineError(a) + hint);
    }
}
