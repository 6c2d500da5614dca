package dev.pimflow.workflow.process;

import dev.pimflow.workflow.config.PimProperties;
import org.springframework.stereotype.Component;

/** Exposes the configured retry cycles to the BPMN ({@code ${retryCycles.revoke}}). */
@Component("retryCycles")
public class RetryCycles {
    private final PimProperties.Retry retry;

    public RetryCycles(PimProperties properties) {
        this.retry = properties.retry();
    }

    public String getValidate() {
        return retry.validate();
    }

    public String getActivate() {
        return retry.activate();
    }

    public String getRevoke() {
        return retry.revoke();
    }
}
