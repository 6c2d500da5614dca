package dev.pimflow.pim.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientCertificateCredential;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ManagedIdentityCredential;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import org.junit.jupiter.api.Test;

class GraphCredentialsTest {

    private static final String TENANT = "a4f9d1c2-7b3e-4e58-9c6a-2d1f0b8e7c35";
    private static final String CLIENT = "6a1c3b8e-2f4d-4e5a-9b7c-8d0e1f2a3b4c";

    /** As the orchestrator's configuration calls it: the simulator's credential for pim.graph.auth=simulator. */
    private static TokenCredential create(GraphAuthSettings settings) {
        return GraphCredentials.create(settings, SimulatorTokenCredential::new);
    }

    @Test
    void simulatorIsTheDefault() {
        assertThat(create(GraphAuthSettings.simulator())).isInstanceOf(SimulatorTokenCredential.class);
        assertThat(create(new GraphAuthSettings(null, null, null, null, null, null)))
                .isInstanceOf(SimulatorTokenCredential.class);
    }

    @Test
    void clientSecretNeedsItsSettings() {
        assertThatThrownBy(() -> create(new GraphAuthSettings("client-secret", TENANT, CLIENT, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pim.graph.client-secret is required when pim.graph.auth=client-secret");
        assertThatThrownBy(() -> create(new GraphAuthSettings("client-secret", null, CLIENT, "s", null, null)))
                .hasMessage("pim.graph.tenant-id is required when pim.graph.auth=client-secret");
        TokenCredential c = create(new GraphAuthSettings("client-secret", TENANT, CLIENT, "s3cret", null, null));
        assertThat(c).isInstanceOf(ClientSecretCredential.class);
    }

    @Test
    void certificateByExtension() {
        assertThatThrownBy(() -> create(new GraphAuthSettings("client-certificate", TENANT, CLIENT, null, null, null)))
                .hasMessage("pim.graph.certificate-path is required when pim.graph.auth=client-certificate");
        assertThatThrownBy(() ->
                        create(new GraphAuthSettings("client-certificate", TENANT, CLIENT, null, "/x/cert.txt", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".pem or .pfx");
        assertThat(create(new GraphAuthSettings("client-certificate", TENANT, CLIENT, null, "/x/app.pem", null)))
                .isInstanceOf(ClientCertificateCredential.class);
        assertThat(create(new GraphAuthSettings("client-certificate", TENANT, CLIENT, null, "/x/app.pfx", "pw")))
                .isInstanceOf(ClientCertificateCredential.class);
    }

    @Test
    void managedIdentityClientIdIsOptional() {
        assertThat(create(new GraphAuthSettings("managed-identity", null, null, null, null, null)))
                .isInstanceOf(ManagedIdentityCredential.class);
        assertThat(create(new GraphAuthSettings("managed-identity", null, CLIENT, null, null, null)))
                .isInstanceOf(ManagedIdentityCredential.class);
    }

    @Test
    void unknownModeIsRejected() {
        assertThatThrownBy(() -> create(new GraphAuthSettings("password", null, null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pim.graph.auth must be one of");
    }

    @Test
    void secretsStayOutOfToString() {
        String s = new GraphAuthSettings("client-secret", TENANT, CLIENT, "s3cret", "/x/app.pfx", "pw").toString();
        assertThat(s).doesNotContain("s3cret").doesNotContain("=pw").contains("***");
    }
}
