package dev.pimflow.workflow.config;

import dev.pimflow.mfa.MfaAssertionSigner;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every product setting, under {@code pim.*}, with its default: each default is written here once, as the
 * {@code @DefaultValue} of its setting ({@link PimDefaults} shows them to {@code ${pim.…}} placeholders and
 * {@code @ConditionalOnProperty}); application.yaml holds only Spring's and Camunda's settings and the one default
 * derived from another setting ({@code pim.audit.hmac-key-file}), application-production.yaml the production profile's
 * stricter values. The README documents each setting (ConfigurationReferenceIsCompleteTest).
 */
@ConfigurationProperties("pim")
public record PimProperties(
        @DefaultValue Topics topics,
        @DefaultValue Embedded embedded,
        @DefaultValue Simulator simulator,
        @DefaultValue Graph graph,
        @DefaultValue Mfa mfa,
        @DefaultValue Admin admin,
        @DefaultValue Retry retry,
        @DefaultValue Outbox outbox,
        @DefaultValue Audit audit,
        @DefaultValue Precheck precheck,
        @DefaultValue Inbound inbound,
        @DefaultValue Logins logins,
        @DefaultValue Kafka kafka,
        @DefaultValue Metrics metrics,
        @DefaultValue("http://localhost:8080") String publicUrl,
        @DefaultValue Idp idp,
        @DefaultValue Activation activation,
        @DefaultValue Tickets tickets,
        @DefaultValue WebhookSettings webhooks,
        @DefaultValue Approvals approvals,
        @DefaultValue Activations activations) {

    public PimProperties {
        java.net.URI url;
        try {
            url = java.net.URI.create(publicUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "pim.public-url must be an absolute http(s) URL, got '" + publicUrl + "'");
        }
        if (!url.isAbsolute() || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException(
                    "pim.public-url must be an absolute http(s) URL, got '" + publicUrl + "'");
        }
        if (activation.selfActivate() && !idp.configured()) {
            throw new IllegalArgumentException("pim.activation.mode=self-activate needs an identity provider:"
                    + " set pim.idp.issuer-uri and pim.idp.client-id (the person's sign-in yields the token PIM's"
                    + " selfActivate is sent with)");
        }
    }

    /** {@code pim.public-url} without a trailing slash. */
    public String publicBase() {
        return publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public record Topics(
            @DefaultValue("tickets.events") String tickets,
            @DefaultValue("pim.mfa.challenges") String mfaChallenges,
            @DefaultValue("pim.mfa.responses") String mfaResponses,
            @DefaultValue("pim.activations") String activations,
            @DefaultValue("pim.revocations") String revocations,
            @DefaultValue("pim.audit") String audit,
            @DefaultValue("pim.approvals") String approvals,
            @DefaultValue("pim.approvals.decisions") String approvalDecisions,
            @DefaultValue("3") int partitions,
            @DefaultValue("1") short replicas) {
        public String dlt(String topic) {
            return topic + ".dlt";
        }
    }

    /** The in-process KRaft broker of the embedded default. */
    public record Embedded(
            @DefaultValue("true") boolean kafkaEnabled,
            @DefaultValue("9092") int kafkaPort,
            @DefaultValue("./data") String dataDir) {}

    public record Simulator(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("8090") int port,
            @DefaultValue Quota quota) {

        /**
         * Graph's identity-and-access quotas, enforced by the simulator when enabled: writes per app per window,
         * read resource units per app per window (sliding windows; over them, 429 with {@code Retry-After}).
         */
        public record Quota(
                @DefaultValue("false") boolean enabled,
                @DefaultValue("3000") int writesPerWindow,
                @DefaultValue("PT150S") Duration writeWindow,
                @DefaultValue("3500") int readUnitsPerWindow,
                @DefaultValue("PT10S") Duration readWindow) {}
    }

    /** How the orchestrator reaches Microsoft Graph. An empty base URL means the in-process simulator. */
    public record Graph(
            @DefaultValue("") String baseUrl,
            @DefaultValue("simulator") String auth,
            String tenantId,
            String clientId,
            String clientSecret,
            String certificatePath,
            String certificatePassword,
            @DefaultValue("PT10S") Duration requestTimeout,
            @DefaultValue("4") int maxAttempts,
            @DefaultValue("PT0.5S") Duration initialBackoff,
            @DefaultValue("PT30S") Duration maxBackoff,
            @DefaultValue("PT5M") Duration roleCacheTtl,
            @DefaultValue("PT5M") Duration maxRetryAfter,
            @DefaultValue("3000") int writesPerWindow,
            @DefaultValue("PT150S") Duration writeWindow) {
        public Graph {
            if (maxRetryAfter != null && (maxRetryAfter.isNegative() || maxRetryAfter.isZero())) {
                throw new IllegalArgumentException(
                        "pim.graph.max-retry-after must be a positive duration, got " + maxRetryAfter);
            }
            if (writesPerWindow < 0) {
                throw new IllegalArgumentException(
                        "pim.graph.writes-per-window must be 0 (writes not paced) or positive, got " + writesPerWindow);
            }
            if (writesPerWindow > 0 && writeWindow != null && (writeWindow.isNegative() || writeWindow.isZero())) {
                throw new IllegalArgumentException(
                        "pim.graph.write-window must be a positive duration, got " + writeWindow);
            }
        }

        /** Never prints the secrets. */
        @Override
        public String toString() {
            return "Graph[baseUrl=" + baseUrl + ", auth=" + auth + ", tenantId=" + tenantId + ", clientId=" + clientId
                    + ", clientSecret=" + (clientSecret == null ? "null" : "***") + ", certificatePath="
                    + certificatePath
                    + ", certificatePassword=" + (certificatePassword == null ? "null" : "***") + "]";
        }
    }

    /**
     * HS256 with {@code sharedSecret} (development), or ES256/RS256 with the gateway's JWKS at {@code jwksUri}
     * (production; when set, HS256 is not accepted). The default secret is the published {@link MfaAssertionSigner#DEVELOPMENT_SECRET},
     * flagged at start: set PIM_MFA_SHARED_SECRET for anything but a local trial.
     */
    public record Mfa(
            @DefaultValue(MfaAssertionSigner.DEVELOPMENT_SECRET)
            String sharedSecret,

            @DefaultValue("") String jwksUri,
            @DefaultValue("PT5M") Duration challengeTimeout,
            @DefaultValue("true") boolean devGatewayEnabled) {

        @Override
        public String toString() {
            return "Mfa[sharedSecret=***, jwksUri=" + jwksUri + ", challengeTimeout=" + challengeTimeout
                    + ", devGatewayEnabled=" + devGatewayEnabled + "]";
        }
    }

    /** No default password: without one, a password is generated and printed once when the user is created. */
    public record Admin(
            @DefaultValue("admin") String username,
            @DefaultValue("") String password) {
        @Override
        public String toString() {
            return "Admin[username=" + username + ", password=***]";
        }
    }

    /** Camunda retry cycles of the async service tasks (failedJobRetryTimeCycle syntax). */
    public record Retry(
            @DefaultValue("R3/PT10S") String validate,
            @DefaultValue("R5/PT30S") String activate,
            @DefaultValue("R10080/PT1M") String revoke) {}

    /** {@code relayEnabled=false} leaves events in the outbox (used to prove that a crash before sending loses nothing). */
    public record Outbox(
            @DefaultValue("PT1S") Duration pollInterval,
            @DefaultValue("200") int batchSize,
            @DefaultValue("true") boolean relayEnabled) {}

    /**
     * The audit chainer (ADR 0003): it is woken after every commit that recorded audit entries and links up to
     * {@code chainBatchSize} of them per transaction; {@code chainInterval} bounds the wait for other nodes' records.
     * The chain's HMAC key (ADR 0005): {@code hmacKey} (at least 32 bytes), or the content of {@code hmacKeyFile},
     * created with a random key when missing if {@code generateKeyFile} (the embedded default; never in production).
     * The default {@code hmacKeyFile}, {@code ${pim.embedded.data-dir}/audit-hmac.key}, is derived from another setting,
     * which a {@code @DefaultValue} cannot express: it is the one default written in application.yaml.
     * The relay re-publishes its last checkpoint when it sent none for {@code checkpointInterval}.
     */
    public record Audit(
            @DefaultValue("PT1S") Duration chainInterval,
            @DefaultValue("500") int chainBatchSize,
            @DefaultValue("") String hmacKey,
            String hmacKeyFile,
            @DefaultValue("true") boolean generateKeyFile,
            @DefaultValue("PT1H") Duration checkpointInterval) {
        /** Never prints the key. */
        @Override
        public String toString() {
            return "Audit[chainInterval=" + chainInterval + ", chainBatchSize=" + chainBatchSize + ", hmacKey="
                    + (hmacKey == null || hmacKey.isEmpty() ? "(none)" : "***") + ", hmacKeyFile=" + hmacKeyFile
                    + ", generateKeyFile=" + generateKeyFile + ", checkpointInterval=" + checkpointInterval + "]";
        }
    }

    /**
     * The ticket listener's check that role and principal exist before it writes anything: a principal the directory
     * answered for is not asked about again for {@code principalTtl} ({@code PT0S}: ask every time).
     */
    public record Precheck(@DefaultValue("PT10M") Duration principalTtl) {}

    /**
     * The deduplication log of inbound event ids: ids older than {@code retention} are pruned every
     * {@code pruneInterval}. Keep the retention longer than the inbound topics' retention. Rejected input that is
     * audited as a system record (an MFA response naming no known challenge, an event id reused) is audited at most
     * {@code rejectionAuditLimit} times per {@code rejectionAuditWindow} per node; the rest is counted in one summary
     * record per window.
     */
    public record Inbound(
            @DefaultValue("P30D") Duration retention,
            @DefaultValue("PT1H") Duration pruneInterval,
            @DefaultValue("60") int rejectionAuditLimit,
            @DefaultValue("PT1M") Duration rejectionAuditWindow) {}

    /**
     * Login throttling per client address (security/LoginThrottle): after {@code maxFailures} failed logins from one
     * address, its logins are refused (429) for {@code initialDelay}, doubled at each further failure up to
     * {@code maxDelay}; the address is forgotten once {@code maxDelay} passed after its last failure (after the end of the block that failure
     * started, if it started one).
     */
    public record Logins(
            @DefaultValue("5") int maxFailures,
            @DefaultValue("PT5S") Duration initialDelay,
            @DefaultValue("PT15M") Duration maxDelay) {
        public Logins {
            if (maxFailures < 1) {
                throw new IllegalArgumentException("pim.logins.max-failures must be at least 1, was " + maxFailures);
            }
            if (initialDelay == null || initialDelay.isNegative() || initialDelay.isZero()) {
                throw new IllegalArgumentException(
                        "pim.logins.initial-delay must be a positive duration, was " + initialDelay);
            }
            if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("pim.logins.max-delay must be at least pim.logins.initial-delay ("
                        + initialDelay + "), was " + maxDelay);
            }
        }
    }

    /**
     * The Kafka listeners' consumer threads per node for tickets.events ({@code ticketConsumers}) and pim.mfa.responses
     * ({@code mfaConsumers}); more than the topic's partitions stay idle. {@code allowUnauthenticated}: production profile
     * only, start even though the Kafka clients would not authenticate (kafka/KafkaSecurityCheck).
     */
    public record Kafka(
            @DefaultValue("3") int ticketConsumers,
            @DefaultValue("3") int mfaConsumers,
            @DefaultValue("false") boolean allowUnauthenticated) {}

    /**
     * The OpenID Connect provider people confirm with on the confirmation page (DESIGN §9.1): authorization code with
     * PKCE, a fresh sign-in, the ID token checked against the provider's published keys. Empty {@code issuerUri}: no
     * provider, the page shows the challenge and sends the person to their MFA gateway. {@code principalClaim}: the ID
     * token claim that holds the person's Entra object id ({@code oid}; {@code sub} for providers that put it there).
     * {@code graphScope}: the delegated permission asked for in {@code self-activate} mode. {@code flowTimeout}: how
     * long a started sign-in may take. {@code mfaContext}: an authentication context (Entra: {@code c1}..{@code c99},
     * whose Conditional Access policy requires MFA) asked for on every confirmation whose role's policy names none; its
     * presence in the ID token's {@code acrs} is the MFA proof, since Entra's v2.0 ID tokens carry no {@code amr}.
     */
    public record Idp(
            @DefaultValue("") String issuerUri,
            @DefaultValue("") String clientId,
            @DefaultValue("") String clientSecret,
            @DefaultValue("oid") String principalClaim,

            @DefaultValue("https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory")
            String graphScope,

            @DefaultValue("PT10M") Duration flowTimeout,
            @DefaultValue("") String mfaContext) {
        public Idp {
            if (!"oid".equals(principalClaim) && !"sub".equals(principalClaim)) {
                throw new IllegalArgumentException(
                        "pim.idp.principal-claim must be 'oid' or 'sub', got '" + principalClaim + "'");
            }
            if (issuerUri != null && !issuerUri.isBlank() && (clientId == null || clientId.isBlank())) {
                throw new IllegalArgumentException("pim.idp.client-id is required when pim.idp.issuer-uri is set");
            }
            if (flowTimeout == null || flowTimeout.isNegative() || flowTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "pim.idp.flow-timeout must be a positive duration, got " + flowTimeout);
            }
        }

        public boolean configured() {
            return issuerUri != null && !issuerUri.isBlank();
        }

        /** Never prints the secret. */
        @Override
        public String toString() {
            return "Idp[issuerUri=" + issuerUri + ", clientId=" + clientId + ", clientSecret="
                    + (clientSecret == null || clientSecret.isEmpty() ? "(none)" : "***") + ", principalClaim="
                    + principalClaim + ", graphScope=" + graphScope + ", flowTimeout=" + flowTimeout + ", mfaContext="
                    + mfaContext + "]";
        }
    }

    /**
     * How PIM is asked for the role: {@code admin-assign} (the orchestrator's app, {@code adminAssign}) or
     * {@code self-activate} (the person's own {@code selfActivate}, sent with the delegated token of their sign-in on
     * the confirmation page; revocation stays the app's {@code adminRemove}).
     */
    public record Activation(@DefaultValue("admin-assign") String mode) {
        public Activation {
            if (!"admin-assign".equals(mode) && !"self-activate".equals(mode)) {
                throw new IllegalArgumentException(
                        "pim.activation.mode must be 'admin-assign' or 'self-activate', got '" + mode + "'");
            }
        }

        public boolean selfActivate() {
            return "self-activate".equals(mode);
        }
    }

    /**
     * What pimflow requires of a request's ticket (DESIGN §9.2), from the ticket events it has seen:
     * {@code requireOpen} refuses a request for a ticket not known to be open ({@code ticket-not-open});
     * {@code requireAssignee} refuses a request whose principal is not among the ticket's assignees
     * ({@code not-an-assignee}) and ends an activation when a {@code ticket.assigned} drops its principal
     * ({@code ticket-reassigned}). {@code peopleCacheTtl}: how long a person's object id, resolved from a ticket
     * system's name for them, is remembered.
     */
    public record Tickets(
            @DefaultValue("false") boolean requireOpen,
            @DefaultValue("false") boolean requireAssignee,
            @DefaultValue("PT1H") Duration peopleCacheTtl) {}

    /**
     * The role policy's approval (DESIGN §9.3).
     *
     * @param timeScale multiplies the policy's stage timeout ({@code approvalStageTimeOutInDays}) and escalation time
     *     ({@code escalationTimeInMinutes}); 1 in production, small in tests and demos
     * @param maxApprovers the most approvers one stage may name once groups are expanded; more is an incident (a
     *     policy naming a huge group), not a stage everyone can decide
     */
    public record Approvals(
            @DefaultValue("1") double timeScale,
            @DefaultValue("500") int maxApprovers,
            @DefaultValue("PT1M") Duration pimPollInterval,
            @DefaultValue("true") boolean requireIdentityProvider) {
        public Approvals {
            if (pimPollInterval.isNegative() || pimPollInterval.isZero()) {
                throw new IllegalArgumentException(
                        "pim.approvals.pim-poll-interval must be positive, got " + pimPollInterval);
            }
            if (!(timeScale > 0) || timeScale > 1) {
                throw new IllegalArgumentException(
                        "pim.approvals.time-scale must be greater than 0 and at most 1, got " + timeScale);
            }
            if (maxApprovers < 1) {
                throw new IllegalArgumentException(
                        "pim.approvals.max-approvers must be at least 1, got " + maxApprovers);
            }
        }

        public Duration scaled(Duration policy) {
            return Duration.ofMillis(Math.max(1000, Math.round(policy.toMillis() * timeScale)));
        }
    }

    /**
     * Active activations.
     *
     * @param expiryWarning how long before an active activation's end {@code activation.expiring} goes out
     * @param expiryCheckInterval how often pimflow looks for activations that end within the warning
     */
    public record Activations(
            @DefaultValue("PT15M") Duration expiryWarning,
            @DefaultValue("PT5S") Duration expiryCheckInterval) {
        public Activations {
            if (expiryWarning.isNegative() || expiryWarning.isZero()) {
                throw new IllegalArgumentException(
                        "pim.activations.expiry-warning must be a positive duration, got " + expiryWarning);
            }
            if (expiryCheckInterval.isNegative() || expiryCheckInterval.isZero()) {
                throw new IllegalArgumentException(
                        "pim.activations.expiry-check-interval must be a positive duration, got "
                                + expiryCheckInterval);
            }
        }
    }

    /** How often the database gauges are refreshed. */
    public record Metrics(@DefaultValue("PT5S") Duration databaseRefresh) {}
}
