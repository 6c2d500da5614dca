package dev.pimflow.cli;

/** A runtime failure the person can act on (exit code 1). The message is the one line printed after {@code pimctl:}. */
class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
