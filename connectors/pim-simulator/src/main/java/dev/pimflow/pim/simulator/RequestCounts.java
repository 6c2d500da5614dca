package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many {@code /v1.0} requests each endpoint answered since the start or the last reset, by endpoint: the method, the
 * route's path with each id as {@code {id}}, and the query options the request carried (names only, sorted), e.g.
 * {@code GET /users/{id}/transitiveMemberOf?$select&$top}. A page fetched through {@code @odata.nextLink} counts as a
 * request of its own (its options include {@code $skiptoken}). Counted when a route takes the request, before it checks
 * the caller's permissions: requests answered by an armed fault or by the quota's 429 never reach a route and are not
 * here (the quota's own counters have those), nor are paths no route knows.
 */
final class RequestCounts {

    private final Map<String, Long> byEndpoint = new TreeMap<>();

    synchronized void count(String endpoint) {
        byEndpoint.merge(endpoint, 1L, Long::sum);
    }

    synchronized Map<String, Long> snapshot() {
        return Collections.unmodifiableMap(new TreeMap<>(byEndpoint));
    }

    synchronized void reset() {
        byEndpoint.clear();
    }

    /** {@code {"read": n, "write": n, "endpoints": {"GET /users/{id}/transitiveMemberOf": n, ...}}}. */
    synchronized ObjectNode toJson() {
        ObjectNode endpoints = Json.obj();
        long read = 0;
        long write = 0;
        for (Map.Entry<String, Long> e : byEndpoint.entrySet()) {
            endpoints.put(e.getKey(), e.getValue());
            if (Quota.kind(e.getKey().substring(0, e.getKey().indexOf(' '))) == Quota.Kind.READ) {
                read += e.getValue();
            } else {
                write += e.getValue();
            }
        }
        ObjectNode j = Json.obj().put("read", read).put("write", write);
        j.set("endpoints", endpoints);
        return j;
    }
}
