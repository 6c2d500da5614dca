package dev.pimflow.workflow.security;

import dev.pimflow.workflow.config.PimProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authentication everywhere and least privilege (DESIGN §6.8). The product API, the development MFA gateway and the
 * actuator (but its health) take HTTP Basic checked against Camunda's identity service, so Cockpit, engine REST and the
 * product share one set of users, and what each may do follows its Camunda groups ({@link Roles}). Cockpit
 * authenticates with its own login; engine REST with Camunda's Basic filter; inside the engine, {@link EngineGuard}
 * refuses to every user what would move the process.
 */
@Configuration
public class SecurityConfiguration {

    /**
     * The confirmation page (DESIGN §9.1) is for the person the challenge is for, who has no pimflow login: anyone with
     * the link sees what it asks, and only a fresh sign-in at the identity provider decides. Its posts carry a CSRF
     * token (a cookie of its own, so a post may reach another node than the page did); no session is kept.
     */
    @Bean
    @Order(0)
    public SecurityFilterChain confirmationPage(HttpSecurity http) throws Exception {
        CookieCsrfTokenRepository csrf = new CookieCsrfTokenRepository();
        csrf.setCookieName("pimflow-confirm-csrf");
        csrf.setCookiePath("/confirm");
        return http.securityMatcher("/confirm/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.csrfTokenRepository(csrf))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(r -> r.disable())
                .build();
    }

    /**
     * The approval page (DESIGN §9.3) is for the stage's approvers, who decide by signing in at the identity provider,
     * not with a pimflow login: anyone with the link sees what it asks, only the provider's verified sign-in decides.
     * Its posts carry a CSRF token (a cookie of its own); no session is kept.
     */
    @Bean
    @Order(0)
    public SecurityFilterChain approvalPage(HttpSecurity http) throws Exception {
        CookieCsrfTokenRepository csrf = new CookieCsrfTokenRepository();
        csrf.setCookieName("pimflow-approve-csrf");
        csrf.setCookiePath("/approve");
        return http.securityMatcher("/approve/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.csrfTokenRepository(csrf))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(r -> r.disable())
                .build();
    }

    /**
     * The ticket systems' webhooks (DESIGN §9.2) authenticate by their vendor's signature over the body, which the
     * controller verifies: no login, no session, no CSRF token (a vendor has none). A body declared larger than
     * {@code pim.webhooks.max-body-size} is answered 413 here, before it is read; the controller bounds what it reads
     * of a body sent without a length.
     */
    @Bean
    @Order(-1)
    public SecurityFilterChain webhooks(HttpSecurity http, PimProperties properties) throws Exception {
        long max = properties.webhooks().maxBodySize().toBytes();
        return http.securityMatcher("/webhooks/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(r -> r.disable())
                .addFilterBefore(
                        new OncePerRequestFilter() {
                            @Override
                            protected void doFilterInternal(
                                    HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                                    throws ServletException, IOException {
                                if (request.getContentLengthLong() > max) {
                                    response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                                    response.setContentType("application/json");
                                    response.getWriter()
                                            .write("{\"error\":\"body: larger than " + max
                                                    + " bytes (pim.webhooks.max-body-size)\"}");
                                    return;
                                }
                                chain.doFilter(request, response);
                            }
                        },
                        org.springframework.security.web.csrf.CsrfFilter.class)
                .build();
    }

    @Bean
    @Order(1)
    public SecurityFilterChain productApi(HttpSecurity http, AuthenticationProvider camundaUsers) throws Exception {
        return http.securityMatcher("/api/**", "/dev/**", "/actuator/**")
                .authorizeHttpRequests(a -> a.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers("/dev/**")
                        .hasRole(Roles.ADMIN)
                        .requestMatchers("/api/audit/**")
                        .hasAnyRole(Roles.AUDITOR, Roles.ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/approvals/*/decision")
                        .hasAnyRole(Roles.APPROVER, Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/approvals", "/api/approvals/*")
                        .hasAnyRole(Roles.APPROVER, Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN)
                        .requestMatchers(HttpMethod.POST, "/api/activations/*/revoke", "/api/activations/*/extension")
                        .hasAnyRole(Roles.OPERATOR, Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/activations", "/api/activations/**", "/api/tickets")
                        .hasAnyRole(Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN)
                        .requestMatchers("/actuator/**")
                        .hasAnyRole(Roles.OPERATOR, Roles.ADMIN)
                        .requestMatchers(
                                HttpMethod.GET,
                                "/api/openapi.json",
                                "/api/openapi.json/**",
                                "/api/swagger-ui.html",
                                "/api/swagger-ui/**")
                        .hasAnyRole(Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN)
                        // anything else under these paths is for nobody (a login alone grants nothing)
                        .anyRequest()
                        .denyAll())
                .authenticationProvider(camundaUsers)
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    /** Cockpit (its own login and CSRF protection) and engine REST (the Basic filter below) guard themselves. */
    @Bean
    @Order(2)
    public SecurityFilterChain camundaApps(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .build();
    }

    /** HTTP Basic against Camunda's users; the product roles come from the user's Camunda groups ({@link Roles}). */
    @Bean
    public AuthenticationProvider camundaUsers(IdentityService identity, Roles roles) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) throws AuthenticationException {
                String user = authentication.getName();
                Object credentials = authentication.getCredentials();
                if (user == null || credentials == null || !identity.checkPassword(user, credentials.toString())) {
                    throw new BadCredentialsException("bad credentials");
                }
                return UsernamePasswordAuthenticationToken.authenticated(
                        user,
                        null,
                        AuthorityUtils.createAuthorityList(
                                roles.of(user).stream().map(r -> "ROLE_" + r).toArray(String[]::new)));
            }

            @Override
            public boolean supports(Class<?> type) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
            }
        };
    }

    /** Labels each request with its surface for the audit trail; runs first, around everything else. */
    @Bean
    public FilterRegistrationBean<RequestSurface> requestSurface() {
        FilterRegistrationBean<RequestSurface> registration = new FilterRegistrationBean<>(new RequestSurface());
        registration.addUrlPatterns("/*");
        registration.setName("pimflow-request-surface");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * Camunda's Basic filter lets {@code /engine-rest/engine} (the list of engine names) through without checking
     * credentials; nothing but the health status answers anonymously, so this filter asks for credentials on every
     * engine REST path and checks them, with Camunda's own Basic provider, on that one (Camunda's filter checks the others).
     */
    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> engineRestNeedsCredentials(
            ObjectProvider<ProcessEngine> engine) {
        // the provider: servlet filters are made when the web server starts, before Flyway; the engine must come after
        // it
        HttpBasicAuthenticationProvider basic = new HttpBasicAuthenticationProvider();
        FilterRegistrationBean<OncePerRequestFilter> registration =
                new FilterRegistrationBean<>(new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(
                            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                            throws ServletException, IOException {
                        String auth = request.getHeader("Authorization");
                        String path = request.getRequestURI()
                                .substring(request.getContextPath().length());
                        boolean enginesList = path.equals("/engine-rest/engine") || path.equals("/engine-rest/engine/");
                        if (auth == null
                                || !auth.regionMatches(true, 0, "Basic ", 0, 6)
                                || (enginesList
                                        && !basic.extractAuthenticatedUser(request, engine.getObject())
                                                .isAuthenticated())) {
                            basic.augmentResponseByAuthenticationChallenge(response, engine.getObject());
                            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                            return;
                        }
                        chain.doFilter(request, response);
                    }
                });
        registration.addUrlPatterns("/engine-rest/*");
        registration.setName("pimflow-engine-rest-credentials");
        registration.setOrder(100);
        return registration;
    }

    @Bean
    public FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter("authentication-provider", HttpBasicAuthenticationProvider.class.getName());
        registration.setName("camunda-engine-rest-auth");
        registration.setOrder(101);
        return registration;
    }
}
