package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One Graph call as the routes see it: the path below {@code /v1.0}, the query (names in lower case), the body and the caller. */
record Call(
        String method,
        String path,
        String rawPath,
        String rawQuery,
        Map<String, String> query,
        byte[] body,
        Caller caller,
        String linkBase) {

    String query(String name) {
        return query.get(name.toLowerCase(Locale.ROOT));
    }

    JsonNode json() {
        if (body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw GraphError.badRequest(
                    "BadRequest",
                    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
    }

    static String stripSlash(String s) {
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    static String decode(String s) {
        return URLDecoder.decode(
                s, StandardCharsets.UTF_8); // '+' is a space, as in form encoding (curl -G --data-urlencode)
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return q;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            q.put(decode(name).toLowerCase(Locale.ROOT), decode(value));
        }
        return q;
    }
}
