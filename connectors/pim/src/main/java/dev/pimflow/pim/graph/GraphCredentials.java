package dev.pimflow.pim.graph;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import java.util.Locale;
import java.util.function.Supplier;

/** Builds the azure-identity credential for {@link GraphPimClient} from {@link GraphAuthSettings}. */
public final class GraphCredentials {

    private GraphCredentials() {}

    /**
     * @param simulatorCredential the credential for {@code pim.graph.auth=simulator} (the default when blank): the
     *     Graph simulator's unsigned tokens. The client knows nothing of the simulator; whoever runs it supplies it.
     */
    public static TokenCredential create(
            GraphAuthSettings settings, Supplier<? extends TokenCredential> simulatorCredential) {
        String mode = settings.mode() == null || settings.mode().isBlank()
                ? "simulator"
                : settings.mode().trim().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "simulator" -> simulatorCredential.get();
            case "client-secret" ->
                new ClientSecretCredentialBuilder()
                        .tenantId(require(settings.tenantId(), "tenant-id", mode))
                        .clientId(require(settings.clientId(), "client-id", mode))
                        .clientSecret(require(settings.clientSecret(), "client-secret", mode))
                        .build();
            case "client-certificate" -> certificate(settings, mode);
            case "managed-identity" -> {
                ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
                if (present(settings.clientId())) {
                    b.clientId(settings.clientId()); // user-assigned identity; system-assigned without it
                }
                yield b.build();
            }
            case "workload-identity" -> {
                // Tenant, client and the federated token file default to AZURE_TENANT_ID, AZURE_CLIENT_ID and
                // AZURE_FEDERATED_TOKEN_FILE, which the AKS workload identity webhook injects.
                WorkloadIdentityCredentialBuilder b = new WorkloadIdentityCredentialBuilder();
                if (present(settings.tenantId())) {
                    b.tenantId(settings.tenantId());
                }
                if (present(settings.clientId())) {
                    b.clientId(settings.clientId());
                }
                yield b.build();
            }
            default ->
                throw new IllegalArgumentException(
                        "pim.graph.auth must be one of simulator, client-secret, client-certificate, managed-identity, "
                                + "workload-identity; got '" + settings.mode() + "'");
        };
    }

    private static TokenCredential certificate(GraphAuthSettings settings, String mode) {
        String tenantId = require(settings.tenantId(), "tenant-id", mode);
        String clientId = require(settings.clientId(), "client-id", mode);
        String path = require(settings.certificatePath(), "certificate-path", mode);
        String lower = path.toLowerCase(Locale.ROOT);
        ClientCertificateCredentialBuilder b =
                new ClientCertificateCredentialBuilder().tenantId(tenantId).clientId(clientId);
        if (lower.endsWith(".pem") || lower.endsWith(".crt") || lower.endsWith(".cer")) {
            b.pemCertificate(path);
        } else if (lower.endsWith(".pfx") || lower.endsWith(".p12")) {
            b.pfxCertificate(path);
            if (settings.certificatePassword() != null) {
                b.clientCertificatePassword(settings.certificatePassword());
            }
        } else {
            throw new IllegalArgumentException(
                    "pim.graph.certificate-path must be a .pem or .pfx/.p12 file when pim.graph.auth=client-certificate; got "
                            + path);
        }
        return b.build();
    }

    private static String require(String value, String setting, String mode) {
        if (!present(value)) {
            throw new IllegalArgumentException("pim.graph." + setting + " is required when pim.graph.auth=" + mode);
        }
        return value.trim();
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
