package dev.pimflow.pim.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Request values read as OData literals: a literal that does not parse is Graph's BadRequest. */
final class EdmLiterals {

    private EdmLiterals() {}

    /** An Edm.DateTimeOffset, or null for null. */
    static Instant time(String text) {
        try {
            return Json.parseTime(text);
        } catch (DateTimeParseException e) {
            throw GraphError.badRequest(
                    "BadRequest",
                    "Cannot convert the literal '" + text + "' to the expected type 'Edm.DateTimeOffset'.");
        }
    }

    /** An Edm.Duration (ISO 8601), or null for null. */
    static Duration duration(String text) {
        try {
            return Json.parseDuration(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw GraphError.badRequest(
                    "BadRequest", "Cannot convert the literal '" + text + "' to the expected type 'Edm.Duration'.");
        }
    }
}
