package dev.pimflow.pim.graph;

/**
 * How to obtain Graph tokens ({@code pim.graph.*}).
 *
 * @param mode {@code simulator} (default when blank), {@code client-secret}, {@code client-certificate},
 *     {@code managed-identity} or {@code workload-identity}
 * @param certificatePath a {@code .pem} (certificate and private key) or {@code .pfx}/{@code .p12} file
 * @param certificatePassword the PFX password, if any
 */
public record GraphAuthSettings(
        String mode,
        String tenantId,
        String clientId,
        String clientSecret,
        String certificatePath,
        String certificatePassword) {

    public static GraphAuthSettings simulator() {
        return new GraphAuthSettings("simulator", null, null, null, null, null);
    }

    /** Never prints the secret or the certificate password. */
    @Override
    public String toString() {
        return "GraphAuthSettings[mode=" + mode + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "null" : "***") + ", certificatePath=" + certificatePath
                + ", certificatePassword=" + (certificatePassword == null ? "null" : "***") + "]";
    }
}
