package dev.pimflow.workflow.directory;

import java.util.Objects;

/**
 * The Graph base URL the orchestrator's PIM directory calls, e.g. {@code https://graph.microsoft.com/v1.0}, or the
 * simulator's: {@code pim.graph.base-url}, else the embedded simulator's. The Graph health indicator checks it.
 */
public record GraphEndpoint(String baseUrl) {
    public GraphEndpoint {
        Objects.requireNonNull(baseUrl, "baseUrl");
    }
}
