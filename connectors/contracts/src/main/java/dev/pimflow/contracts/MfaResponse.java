package dev.pimflow.contracts;

/** {@code data} of {@code mfa.response}: the assertion is a compact JWS checked by the MFA verifier. */
public record MfaResponse(String challengeId, String assertion) {}
