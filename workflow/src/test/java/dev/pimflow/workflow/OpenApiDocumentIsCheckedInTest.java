package dev.pimflow.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The product API's OpenAPI document is served at /api/openapi.json and checked in as docs/openapi.json; this test
 * fails when they differ. Regenerate with {@code ./mvnw -pl workflow test -Dtest=OpenApiDocumentIsCheckedInTest -Dpimflow.openapi.write=true}.
 */
class OpenApiDocumentIsCheckedInTest extends EndToEndTestBase {
    private static final Path CHECKED_IN = Path.of("..", "docs", "openapi.json");

    @LocalServerPort
    int port;

    @Test
    void servedDocumentEqualsTheCheckedInOne() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/openapi.json"))
                                .header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder()
                                                        .encodeToString("admin:test-admin-password"
                                                                .getBytes(StandardCharsets.UTF_8)))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        ObjectMapper json = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        ObjectNode served = (ObjectNode) json.readTree(r.body());
        served.remove("servers"); // the test's random port
        String document = json.writeValueAsString(json.treeToValue(served, java.util.Map.class)) + "\n";
        assertThat(served.path("paths").has("/api/activations/{id}/revoke")).isTrue();
        if (Boolean.getBoolean("pimflow.openapi.write")) {
            Files.writeString(CHECKED_IN, document);
        }
        assertThat(Files.readString(CHECKED_IN))
                .as("docs/openapi.json is out of date: regenerate it (see this test's comment)")
                .isEqualTo(document);
    }
}
