package dev.pimflow.pim.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every Graph error becomes DENY, RETRY or INCIDENT. */
class GraphErrorMappingTest {

    private static final HttpHeaders NONE = HttpHeaders.of(Map.of(), (a, b) -> true);

    private static String envelope(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":" + quote(message)
                + ",\"innerError\":{\"date\":\"2023-08-01T06:45:07\",\"request-id\":\"r\",\"client-request-id\":\"c\"}}}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void policyFailuresAreDeniedWithRuleNames() {
        PimException e = GraphErrors.error(
                400,
                envelope(
                        "RoleAssignmentRequestPolicyValidationFailed",
                        "The following policy rules failed: [\"MfaRule\",\"ExpirationRule\"]"),
                NONE);
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.getMessage()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed: MfaRule, ExpirationRule");

        PimException newer = GraphErrors.error(
                400,
                envelope(
                        "RoleAssignmentRequestPolicyValidationFailed",
                        "The following policy rules failed: JustificationRule - Justification is required"),
                NONE);
        assertThat(newer.getMessage()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed: JustificationRule");
    }

    @Test
    void pimCodesAreDenied() {
        for (String code : List.of(
                "RoleAssignmentRequestAcrsValidationFailed",
                "RoleNotFound",
                "SubjectNotFound",
                "RoleAssignmentExists",
                "PendingRoleAssignmentRequest",
                "InvalidRoleAssignmentRequest")) {
            PimException e = GraphErrors.error(400, envelope(code, "x"), NONE);
            assertThat(e.kind()).as(code).isEqualTo(Kind.DENY);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.httpStatus()).isEqualTo(400);
        }
    }

    @Test
    void anAuthenticationContextChallengeIsDeniedNamingTheContext() {
        // spec 6: the message is the URL-encoded claims challenge
        String challenge =
                "&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D";
        PimException e = GraphErrors.error(400, envelope("RoleAssignmentRequestAcrsValidationFailed", challenge), NONE);
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.getMessage())
                .isEqualTo("RoleAssignmentRequestAcrsValidationFailed: the role's policy requires authentication "
                        + "context c1 (acrs), which the token does not carry");

        String values = "claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%22values%22%3A"
                + "%5B%22c2%22%2C%22c3%22%5D%7D%7D%7D";
        assertThat(GraphErrors.challengedAuthenticationContext(values)).isEqualTo("c2 or c3");
        // anything else keeps Graph's own words
        PimException other = GraphErrors.error(
                400, envelope("RoleAssignmentRequestAcrsValidationFailed", "Authentication context required."), NONE);
        assertThat(other.getMessage())
                .isEqualTo("RoleAssignmentRequestAcrsValidationFailed: Authentication context required.");
        assertThat(GraphErrors.challengedAuthenticationContext("&claims=%7Bnot json"))
                .isNull();
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithRetryAfter() {
        HttpHeaders headers = HttpHeaders.of(Map.of("Retry-After", List.of("2.128")), (a, b) -> true);
        PimException e = GraphErrors.error(429, envelope("TooManyRequests", "Please retry again later."), headers);
        assertThat(e.kind()).isEqualTo(Kind.RETRY);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(2128));
        assertThat(GraphErrors.error(502, "<html>bad gateway</html>", NONE).code())
                .isEqualTo("HttpStatus502");
        assertThat(GraphErrors.error(502, "<html>bad gateway</html>", NONE).kind())
                .isEqualTo(Kind.RETRY);
    }

    @Test
    void everythingElseIsAnIncident() {
        assertThat(GraphErrors.error(401, envelope("InvalidAuthenticationToken", "expired"), NONE)
                        .kind())
                .isEqualTo(Kind.INCIDENT);
        assertThat(GraphErrors.error(400, envelope("SomethingNew", "?"), NONE).kind())
                .isEqualTo(Kind.INCIDENT);
        assertThat(GraphErrors.error(404, envelope("itemNotFound", "?"), NONE).kind())
                .isEqualTo(Kind.INCIDENT);
        PimException garbage = GraphErrors.error(400, "not json", NONE);
        assertThat(garbage.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(garbage.code()).isEqualTo("HttpStatus400");
        // RoleAssignmentDoesNotExist is only a success for removals, where the client handles it itself
        assertThat(GraphErrors.error(400, envelope("RoleAssignmentDoesNotExist", "x"), NONE)
                        .kind())
                .isEqualTo(Kind.INCIDENT);
    }

    @Test
    void permissionErrorsWrappedInUnknownErrorAreUnwrapped() {
        String inner =
                "{\"errorCode\":\"PermissionScopeNotGranted\",\"message\":\"Authorization failed due to missing permission scope "
                        + "RoleEligibilitySchedule.ReadWrite.Directory.\",\"instanceAnnotations\":[]}";
        PimException e = GraphErrors.error(403, envelope("UnknownError", inner), NONE);
        assertThat(e.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(e.code()).isEqualTo("PermissionScopeNotGranted");
        assertThat(e.getMessage()).contains("missing permission scope");
    }

    @Test
    void durationsInGraphForms() {
        assertThat(GraphJson.duration("PT8H")).isEqualTo(Duration.ofHours(8));
        assertThat(GraphJson.duration("P180D")).isEqualTo(Duration.ofDays(180));
        assertThat(GraphJson.duration("PT1H45M")).isEqualTo(Duration.ofMinutes(105));
        assertThat(GraphJson.duration("P1Y")).isEqualTo(Duration.ofDays(365));
        assertThat(GraphJson.duration("P1DT2H")).isEqualTo(Duration.ofHours(26));
    }
}
