package dev.pimflow.workflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The surface an audit record names is told from the request's path, the webapp page it came from, and pimctl's agent. */
class RequestSurfaceTest {
    @Test
    void eachSurfaceIsNamed() {
        assertThat(RequestSurface.surface("/engine-rest/message", null, "curl/8"))
                .isEqualTo("engine-rest");
        assertThat(RequestSurface.surface(
                        "/camunda/api/engine/engine/default/job/1/retries",
                        "http://localhost:8080/camunda/app/cockpit/default/",
                        "Mozilla"))
                .isEqualTo("cockpit");
        assertThat(RequestSurface.surface(
                        "/camunda/api/engine/engine/default/task/1/complete",
                        "http://localhost:8080/camunda/app/tasklist/default/",
                        "Mozilla"))
                .isEqualTo("tasklist");
        assertThat(RequestSurface.surface(
                        "/camunda/api/engine/engine/default/user/create",
                        "http://localhost:8080/camunda/app/admin/default/",
                        "Mozilla"))
                .isEqualTo("camunda-admin");
        assertThat(RequestSurface.surface("/api/activations/1/revoke", null, "pimctl"))
                .isEqualTo("pimctl");
        assertThat(RequestSurface.surface("/api/activations/1/revoke", null, "Java-http-client/17"))
                .isEqualTo("product-rest");
        assertThat(RequestSurface.surface("/dev/mfa/challenges/1/approve", null, "pimctl"))
                .isEqualTo("dev-mfa-gateway");
    }
}
