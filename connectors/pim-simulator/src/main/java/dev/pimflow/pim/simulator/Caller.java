package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who is calling, read from the bearer token's claims.
 *
 * <p>The simulator decodes the JWT payload WITHOUT verifying its signature: it is a local stand-in for
 * Graph, and accepting any well-formed token (including {@code alg: none}) is what lets tests and curl
 * users act as any principal. Never expose it where a real token would be trusted.
 */
record Caller(
        boolean appOnly,
        String oid,
        String appId,
        String appDisplayName,
        List<String> amr,
        List<String> acrs,
        Set<String> permissions,
        boolean declaresPermissions) {

    static Caller fromAuthorization(String header, Instant now) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("Access token is empty.");
        }
        String token = header.substring(7).trim();
        String[] parts = token.split("\\.", -1);
        if (parts.length < 2) {
            throw unauthorized("IDX14100: JWT is not well formed, there are no dots (.).");
        }
        JsonNode claims;
        try {
            claims = Json.MAPPER.readTree(
                    new String(Base64.getUrlDecoder().decode(strip(parts[1])), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw unauthorized("IDX14102: Unable to decode the payload of the JWT.");
        }
        if (claims == null || !claims.isObject()) {
            throw unauthorized("IDX14102: Unable to decode the payload of the JWT.");
        }
        JsonNode exp = claims.get("exp");
        if (exp != null && exp.canConvertToLong() && exp.asLong() < now.getEpochSecond()) {
            throw unauthorized("Lifetime validation failed, the token is expired.");
        }
        boolean app = "app".equalsIgnoreCase(Json.text(claims, "idtyp"));
        String oid = Json.text(claims, "oid");
        String appId = Json.text(claims, "appid");
        if (appId == null) {
            appId = Json.text(claims, "azp");
        }
        if (!app && oid == null) {
            throw unauthorized("Access token validation failure: a delegated token needs an oid claim.");
        }
        Set<String> permissions = new LinkedHashSet<>();
        JsonNode roles = claims.get("roles");
        if (roles != null && roles.isArray()) {
            roles.forEach(r -> permissions.add(r.asText()));
        }
        String scp = Json.text(claims, "scp");
        if (scp != null) {
            for (String s : scp.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    permissions.add(s);
                }
            }
        }
        boolean declares = roles != null || scp != null;
        return new Caller(
                app,
                oid,
                appId,
                Json.text(claims, "app_displayname"),
                list(claims.get("amr")),
                list(claims.get("acrs")),
                Collections.unmodifiableSet(permissions),
                declares);
    }

    private static String strip(String b64) {
        return b64.replace("=", "");
    }

    private static List<String> list(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node != null && node.isTextual()) {
            out.add(node.asText());
        }
        return List.copyOf(out);
    }

    private static GraphError unauthorized(String message) {
        return new GraphError(401, "InvalidAuthenticationToken", message)
                .header(
                        "WWW-Authenticate",
                        "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
    }

    boolean hasMfa() {
        return amr.stream().anyMatch(a -> a.equalsIgnoreCase("mfa"));
    }

    /**
     * Checks the token carries one of the permissions. Tokens without any {@code roles}/{@code scp} claim are
     * let through, so hand-made tokens keep working; tokens that declare permissions are held to them.
     */
    void requireAny(boolean directoryApi, String... anyOf) {
        if (!declaresPermissions) {
            return;
        }
        for (String p : anyOf) {
            if (permissions.stream().anyMatch(h -> h.equalsIgnoreCase(p))) {
                return;
            }
        }
        if (directoryApi) {
            throw new GraphError(
                    403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        // PIM endpoints wrap the real reason as a JSON string in the message (spec section 6).
        String inner =
                "{\"errorCode\":\"PermissionScopeNotGranted\",\"message\":\"Authorization failed due to missing permission scope "
                        + String.join(",", anyOf) + ".\",\"instanceAnnotations\":[]}";
        throw new GraphError(403, "UnknownError", inner);
    }
}
