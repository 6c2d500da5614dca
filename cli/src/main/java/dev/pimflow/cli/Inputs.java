package dev.pimflow.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Local checks of option values, so a mistake is reported before anything reaches Kafka, as a usage error (exit 2) that
 * names the option. The rules are those of the contracts module's JSON Schemas (DESIGN §4), so what passes here is
 * accepted by the orchestrator's input validation.
 */
final class Inputs {
    static final Pattern GUID =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern NO_CONTROL = Pattern.compile("^[^\\u0000-\\u001f\\u007f]+$");
    private static final Pattern TEXT = Pattern.compile("^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]+$");
    private static final Pattern SCOPE = Pattern.compile("^/([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?$");
    private static final Pattern TOPIC = Pattern.compile("^[A-Za-z0-9._-]{1,249}$");
    private static final Pattern SERVER = Pattern.compile("^(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+):\\d{1,5}$");
    private static final Pattern SHORT_DURATION = Pattern.compile("^(\\d{1,9}(?:\\.\\d{1,3})?)(ms|s|m|h)?$");
    static final Duration MAX_DURATION = Duration.ofDays(366);

    private Inputs() {}

    static String guid(CommandLine cmd, String option, String value) {
        if (value == null || !GUID.matcher(value.strip()).matches()) {
            throw invalid(
                    cmd,
                    option,
                    value,
                    "is not a GUID (expected an object id like 00000000-0000-0000-0000-000000000000)");
        }
        return value.strip();
    }

    static Duration duration(CommandLine cmd, String option, String value) {
        Duration d = positiveDuration(cmd, option, value);
        if (d.compareTo(MAX_DURATION) > 0) {
            throw invalid(cmd, option, value, "must be at most " + MAX_DURATION.toDays() + " days");
        }
        return d;
    }

    /** A positive ISO-8601 duration of at most {@code max}, which the error names as ISO-8601 writes it (e.g. PT24H). */
    static Duration duration(CommandLine cmd, String option, String value, Duration max) {
        Duration d = positiveDuration(cmd, option, value);
        if (d.compareTo(max) > 0) {
            throw invalid(cmd, option, value, "must be at most " + max);
        }
        return d;
    }

    private static Duration positiveDuration(CommandLine cmd, String option, String value) {
        Duration d;
        try {
            d = Duration.parse(value.strip());
        } catch (DateTimeParseException | NullPointerException e) {
            throw invalid(cmd, option, value, "is not an ISO-8601 duration (e.g. PT5H, PT90M, P1DT2H)");
        }
        if (d.isNegative() || d.isZero()) {
            throw invalid(cmd, option, value, "must be positive");
        }
        return d;
    }

    /** A single-line name: ticket number, ticket system, event id. */
    static String name(CommandLine cmd, String option, String value, int maxLength) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw invalid(cmd, option, value, "must not be empty");
        }
        if (v.length() > maxLength) {
            throw invalid(cmd, option, value, "is longer than " + maxLength + " characters");
        }
        if (!NO_CONTROL.matcher(v).matches()) {
            throw invalid(cmd, option, value, "must not contain control characters");
        }
        return v;
    }

    /** Free text (justification, resolution): tabs and line breaks allowed. */
    static String text(CommandLine cmd, String option, String value, int maxLength) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw invalid(cmd, option, value, "must not be empty");
        }
        if (v.length() > maxLength) {
            throw invalid(cmd, option, value, "is longer than " + maxLength + " characters");
        }
        if (!TEXT.matcher(v).matches()) {
            throw invalid(cmd, option, value, "must not contain control characters other than tabs and line breaks");
        }
        return v;
    }

    static String scope(CommandLine cmd, String option, String value) {
        String v = value == null ? "" : value.strip();
        if (v.length() > 400 || !SCOPE.matcher(v).matches()) {
            throw invalid(
                    cmd,
                    option,
                    value,
                    "is not a directory scope id ('/' for the whole tenant, or e.g. /administrativeUnits/<id>)");
        }
        return v;
    }

    static String topic(CommandLine cmd, String option, String value) {
        if (value == null || !TOPIC.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw invalid(cmd, option, value, "is not a Kafka topic name (letters, digits, '.', '_', '-')");
        }
        return value;
    }

    static int seconds(CommandLine cmd, String option, int value, int max) {
        if (value < 0 || value > max) {
            throw new ParameterException(
                    cmd, "Invalid value for option '" + option + "': must be between 0 and " + max + " seconds");
        }
        return value;
    }

    static String bootstrapServers(CommandLine cmd, String value) {
        String v = value == null ? "" : value.strip();
        for (String server : v.split(",", -1)) {
            if (!SERVER.matcher(server.strip()).matches()) {
                throw invalid(cmd, "--bootstrap-servers", value, "is not host:port[,host:port...]");
            }
        }
        return v;
    }

    /**
     * An http(s) base URL without query or fragment, trailing slashes removed (so paths can be appended), e.g.
     * http://localhost:8080 or http://localhost:8090/v1.0.
     */
    static URI httpUrl(CommandLine cmd, String option, String value, String example) {
        String v = value == null ? "" : value.strip();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            URI uri = new URI(v);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null
                    || uri.getQuery() != null
                    || uri.getFragment() != null
                    || uri.getUserInfo() != null) {
                throw new URISyntaxException(v, "not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid(cmd, option, value, "is not an http(s) URL like " + example);
        }
    }

    /** A duration written for people: {@code 10} (seconds), {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT1M}. */
    static Duration shortDuration(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(v);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
        try {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration (e.g. 10s, 500ms, 2m, PT1M; a bare number is seconds)");
        }
    }

    /** picocli's converter for {@link #shortDuration}: a bad value is a usage error that names the option. */
    static final class ShortDuration implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return shortDuration(value);
        }
    }

    /** Checks that {@code value} lies within [min, max]; a usage error naming the option otherwise. */
    static Duration within(CommandLine cmd, String option, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ParameterException(
                    cmd,
                    "Invalid value for option '" + option + "': must be between " + Http.seconds(min) + " and "
                            + Http.seconds(max) + " seconds");
        }
        return value;
    }

    /**
     * Checks a built ticket event against the orchestrator's own contract (the JSON Schemas of the contracts module),
     * so pimctl refuses exactly what the orchestrator would dead-letter; the field is reported as the option that set it.
     */
    static void contract(
            CommandLine cmd,
            byte[] event,
            java.util.Map<String, String> optionOfField,
            java.util.Map<String, String> valueOfOption) {
        try {
            Events.codec()
                    .read(
                            event,
                            new org.apache.kafka.common.header.internals.RecordHeaders(),
                            dev.pimflow.contracts.EventTypes.TICKET_EVENTS);
        } catch (dev.pimflow.contracts.InvalidEventException e) {
            // an array item's field (data.assignees[2]) is reported as the array's option
            String field = e.field().replaceFirst("\\[\\d+]$", "");
            String option = optionOfField.getOrDefault(field, e.field());
            throw invalid(cmd, option, valueOfOption.get(option), e.reason());
        }
    }

    static ParameterException invalid(CommandLine cmd, String option, String value, String reason) {
        String what = option.startsWith("<") ? "parameter " : "option ";
        return new ParameterException(
                cmd, "Invalid value for " + what + "'" + option + "': " + quote(value) + " " + reason);
    }

    private static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        String v = value.replaceAll("\\p{Cntrl}", "?");
        return "'" + (v.length() > 60 ? v.substring(0, 60) + "..." : v) + "'";
    }

    /**
     * The authentication settings of a Kafka client properties file: only {@code security.protocol} and
     * {@code sasl.*} / {@code ssl.*} keys, so the file cannot change what pimctl sends or where; anything else is a
     * usage error that names the key. Values are never echoed (they hold passwords).
     */
    static Map<String, String> kafkaSecurity(CommandLine cmd, java.nio.file.Path file) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw invalid(
                    cmd,
                    "--kafka-config",
                    file.toString(),
                    "cannot be read as a properties file (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> security = new java.util.TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.equals("security.protocol") && !key.startsWith("sasl.") && !key.startsWith("ssl.")) {
                throw invalid(
                        cmd,
                        "--kafka-config",
                        file.toString(),
                        "sets '" + key
                                + "': only security.protocol, sasl.* and ssl.* belong there (the servers come from --bootstrap-servers)");
            }
            security.put(key, p.getProperty(key));
        }
        return security;
    }
}
