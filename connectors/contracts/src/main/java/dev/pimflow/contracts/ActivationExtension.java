package dev.pimflow.contracts;

import java.time.Instant;

/**
 * {@code data} of {@code activation.extension} (DESIGN §9.3), on {@code pim.activations} keyed by activation id: what
 * became of an extension request. {@code status}: {@code requested} (the person confirms with MFA again), {@code
 * refused} (nothing was asked: {@code reason} says why), {@code denied} (MFA, approval, the policy's maximum or PIM said
 * no), {@code extended} ({@code endDateTime} is the new end), {@code cancelled} (the activation ended first).
 */
public record ActivationExtension(
        String activationId,
        String extensionId,
        int round,
        String status,
        String reason,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String duration,
        Instant endDateTime) {}
