package dev.pimflow.workflow.audit;

import dev.pimflow.workflow.worker.WakeUp;
import org.springframework.stereotype.Component;

/** Wakes the audit chainer as soon as a transaction that recorded audit entries has committed. */
@Component
public class AuditSignal extends WakeUp {}
