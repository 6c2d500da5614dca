package dev.pimflow.workflow.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Which surface an HTTP request came through (Cockpit, Tasklist, Camunda Admin, engine REST, the product REST API,
 * pimctl, the development MFA gateway), kept for the request's thread so that the audit trail can say how an operator
 * acted (DESIGN §6.8). Only a label for the record: nothing is allowed or refused because of it.
 */
public class RequestSurface extends OncePerRequestFilter {
    public static final String ENGINE_REST = "engine-rest";
    public static final String COCKPIT = "cockpit";
    public static final String TASKLIST = "tasklist";
    public static final String CAMUNDA_ADMIN = "camunda-admin";
    public static final String PRODUCT_REST = "product-rest";
    public static final String PIMCTL = "pimctl";
    public static final String DEV_MFA_GATEWAY = "dev-mfa-gateway";

    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    /** The surface and request line ({@code PUT /engine-rest/job/…/retries}) of the request this thread serves. */
    public record Current(String surface, String request) {}

    public static Optional<Current> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The surface of this thread's request, or {@code fallback} outside a request (an in-process caller). */
    public static String surfaceOr(String fallback) {
        return current().map(Current::surface).orElse(fallback);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        CURRENT.set(new Current(
                surface(path, request.getHeader("Referer"), request.getHeader("User-Agent")),
                request.getMethod() + " " + path));
        try {
            chain.doFilter(request, response);
        } finally {
            CURRENT.remove();
        }
    }

    static String surface(String path, String referer, String userAgent) {
        if (path.startsWith("/engine-rest")) {
            return ENGINE_REST;
        }
        if (path.startsWith("/camunda")) {
            String from = referer == null ? path : referer;
            if (from.contains("/app/tasklist")) {
                return TASKLIST;
            }
            return from.contains("/app/admin") ? CAMUNDA_ADMIN : COCKPIT;
        }
        if (path.startsWith("/dev/")) {
            return DEV_MFA_GATEWAY;
        }
        return userAgent != null && userAgent.startsWith("pimctl") ? PIMCTL : PRODUCT_REST;
    }
}
