package dev.pimflow.bench;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * pimflow-bench: drives a packaged orchestrator through its topics (as a ticket system and an MFA gateway would) and
 * measures it beside two references taken in the same run: the engine floor (standalone Camunda, same process shape,
 * no-op delegates) and the plain pipeline (Kafka consumer + Graph calls, no Camunda). Writes
 * bench/results/&lt;date&gt;-&lt;scenario&gt;.json and .png. Figures, not assertions: nothing here fails on a threshold.
 */
@Command(
        name = "pimflow-bench",
        mixinStandardHelpOptions = true,
        subcommands = {Lifecycles.class, Timers.class, QuotaScenario.class, Summary.class},
        description = "Load generator and measurements for pimflow (see bench/README.md).")
public final class Bench {
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.camunda", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
        System.setProperty("org.slf4j.simpleLogger.log.state.change.logger", "error");
        System.setProperty("java.awt.headless", "true");
        int code = new CommandLine(new Bench())
                .registerConverter(Duration.class, Bench::duration)
                .execute(args);
        System.exit(code);
    }

    /** The options' durations: {@code 100ms}, {@code 60s}, {@code 10m}, {@code 1h}, or ISO-8601 ({@code PT1M}). */
    static Duration duration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofSeconds(Long.parseLong(t));
        };
    }
}
