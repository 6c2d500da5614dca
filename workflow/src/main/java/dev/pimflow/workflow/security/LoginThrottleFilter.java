package dev.pimflow.workflow.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before Spring Security's filter chain, Camunda's engine REST authentication filter and the Cockpit web
 * application, on every path. A <em>login attempt</em> is a request that carries HTTP Basic credentials (the product
 * API, the development MFA gateway, the actuator, engine REST) or a POST to Cockpit's login
 * ({@code .../api/admin/auth/user/{engine}/login/{app}}); it <em>failed</em> when it was answered 401, which every
 * one of those surfaces answers to wrong credentials (and to a user Camunda holds locked), and nothing else does to
 * a request with credentials. A 403 is not a failure: it is what a right password without the right role gets, or a
 * login without Cockpit's CSRF token, neither of which tells anything about a password.
 * <p>
 * While its address is blocked ({@link LoginThrottle}) a login attempt is answered 429 with {@code Retry-After}
 * and never reaches a password check, so it neither tells the attacker anything nor feeds Camunda's own per-user
 * delay. Requests without credentials (anonymous, or on a Cockpit session) are not affected. The client address is
 * {@link HttpServletRequest#getRemoteAddr()}: behind a reverse proxy set {@code server.forward-headers-strategy} and
 * the proxy's address ({@code server.tomcat.remoteip.internal-proxies}) so that it is the client's, not the proxy's.
 */
public class LoginThrottleFilter extends OncePerRequestFilter {
    static final String ANONYMOUS = "anonymous";
    private static final Pattern COCKPIT_LOGIN = Pattern.compile(".*/api/admin/auth/user/[^/]+/login/[^/]+/?");
    private static final int MAX_FORM_BYTES = 16 * 1024;

    private final LoginThrottle throttle;
    private final LoginLockouts lockouts;

    public LoginThrottleFilter(LoginThrottle throttle, LoginLockouts lockouts) {
        this.throttle = throttle;
        this.lockouts = lockouts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String authorization = request.getHeader("Authorization");
        // any credentials count, whatever their spelling: Spring's Basic converter also takes "Basic\t…" or "basic…"
        boolean basic = authorization != null && !authorization.isBlank();
        boolean cockpitLogin = "POST".equalsIgnoreCase(request.getMethod())
                && (COCKPIT_LOGIN.matcher(path).matches()
                        || COCKPIT_LOGIN.matcher(decoded(path)).matches());
        if (!basic && !cockpitLogin) {
            chain.doFilter(request, response);
            return;
        }
        String surface = cockpitLogin ? LoginLockouts.COCKPIT : surface(path);
        String address = request.getRemoteAddr();
        Duration wait = throttle.retryAfter(address);
        if (!wait.isZero()) {
            lockouts.refused(surface);
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(seconds));
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"too-many-failed-logins\",\"retryAfterSeconds\":" + seconds + "}");
            return;
        }
        String user;
        if (cockpitLogin) {
            FormReplay replay = new FormReplay(request);
            user = replay.username();
            request = replay;
        } else {
            user = basicUser(authorization);
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            lockouts.failed(surface);
            LoginThrottle.Lockout lockout = throttle.failed(address);
            if (lockout != null) {
                lockouts.lockedOut(user, address, surface, lockout);
            }
        }
    }

    static String surface(String path) {
        if (path.startsWith("/engine-rest/") || path.equals("/engine-rest")) {
            return LoginLockouts.ENGINE_REST;
        }
        if (path.startsWith("/api/")
                || path.startsWith("/dev/")
                || path.startsWith("/actuator/")
                || path.equals("/actuator")) {
            return LoginLockouts.PRODUCT_API;
        }
        return LoginLockouts.OTHER;
    }

    /** The user name of an HTTP Basic header, or {@value #ANONYMOUS} when there is none or it cannot be decoded. */
    private static String decoded(String path) {
        try {
            return java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path;
        }
    }

    static String basicUser(String authorization) {
        if (authorization.length() < 6) {
            return ANONYMOUS;
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return clean(colon < 0 ? decoded : decoded.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return ANONYMOUS;
        }
    }

    /** A user name fit for the audit trail: no control characters, at most 100 characters, never empty. */
    static String clean(String user) {
        if (user == null) {
            return ANONYMOUS;
        }
        String s = user.replaceAll("\\p{Cntrl}", "").strip();
        if (s.length() > 100) {
            s = s.substring(0, 100);
        }
        return s.isEmpty() ? ANONYMOUS : s;
    }

    /**
     * Reads the head of a login form to learn the user name tried, and hands the web application the same bytes: the
     * request parameters are not touched, so Cockpit's JAX-RS resource reads its form as if nothing had looked at it.
     */
    private static final class FormReplay extends HttpServletRequestWrapper {
        private final byte[] head;
        private final boolean complete;
        private final InputStream body;

        FormReplay(HttpServletRequest request) throws IOException {
            super(request);
            InputStream in = request.getInputStream();
            head = in.readNBytes(MAX_FORM_BYTES);
            complete = head.length < MAX_FORM_BYTES;
            body = new SequenceInputStream(new ByteArrayInputStream(head), in);
        }

        String username() {
            if (!complete) {
                return ANONYMOUS;
            }
            for (String field : new String(head, StandardCharsets.ISO_8859_1).split("&")) {
                if (field.startsWith("username=")) {
                    try {
                        return clean(URLDecoder.decode(field.substring(9), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        return ANONYMOUS;
                    }
                }
            }
            return ANONYMOUS;
        }

        @Override
        public ServletInputStream getInputStream() {
            return new ServletInputStream() {
                private boolean finished;

                @Override
                public int read() throws IOException {
                    int b = body.read();
                    finished = b < 0;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = body.read(buffer, offset, length);
                    finished = n < 0;
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return finished;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("login forms are read blocking");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            java.nio.charset.Charset charset =
                    encoding == null ? StandardCharsets.ISO_8859_1 : java.nio.charset.Charset.forName(encoding);
            return new java.io.BufferedReader(new java.io.InputStreamReader(body, charset));
        }
    }
}
