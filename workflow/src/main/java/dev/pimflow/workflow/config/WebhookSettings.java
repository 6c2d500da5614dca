package dev.pimflow.workflow.config;

/**
 * {@code pim.webhooks.*}: the ticket systems' own webhooks (DESIGN §9.2), {@code POST /webhooks/<system>}, each off
 * until its secret is set. Part of {@link PimProperties}.
 */
public record WebhookSettings() {}
