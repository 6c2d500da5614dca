package dev.pimflow.workflow.outbox;

import dev.pimflow.workflow.worker.WakeUp;
import org.springframework.stereotype.Component;

/** Wakes the outbox relay as soon as a transaction that wrote to the outbox has committed. */
@Component
public class OutboxSignal extends WakeUp {}
