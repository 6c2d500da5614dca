package dev.pimflow.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/** {@code [ 0.4s] ✔ text} lines, and on a terminal a progress line that is rewritten while a step waits. */
final class Timeline {
    private static final Duration PLAIN_PROGRESS_EVERY = Duration.ofSeconds(10);
    private final PrintWriter out;
    private final boolean tty;
    private final String ok;
    private final String waiting;
    private final String failed;
    private final String ellipsis;
    private final long start = System.nanoTime();
    private boolean progressShown;
    private long lastProgress;
    private long plainProgressDue = PLAIN_PROGRESS_EVERY.toNanos();

    Timeline(PrintWriter out, boolean tty, boolean unicode) {
        this.out = out;
        this.tty = tty;
        this.ok = unicode ? "✔" : "ok";
        this.waiting = unicode ? "…" : "..";
        this.failed = unicode ? "✘" : "!!";
        this.ellipsis = unicode ? "…" : "...";
    }

    String elapsed() {
        return String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - start) / 1e9);
    }

    private String stamp() {
        return String.format(Locale.ROOT, "[%4.1fs]", (System.nanoTime() - start) / 1e9);
    }

    String abbreviate(String id) {
        return id == null || id.length() <= 8 ? String.valueOf(id) : id.substring(0, 8) + ellipsis;
    }

    void ok(String text) {
        line(ok, text);
    }

    void waiting(String text) {
        line(waiting, text);
        plainProgressDue = PLAIN_PROGRESS_EVERY.toNanos();
    }

    void fail(String text) {
        line(failed, text);
    }

    private void line(String mark, String text) {
        clearProgress();
        out.println(stamp() + " " + mark + " " + text);
        out.flush();
    }

    /** On a terminal: rewrites one line about twice a second; otherwise a line every ten seconds of waiting. */
    void progress(String text, Duration waited, Duration limit) {
        long now = System.nanoTime();
        if (tty) {
            if (now - lastProgress < 200_000_000L) {
                return;
            }
            lastProgress = now;
            out.print("\r\033[K" + stamp() + " " + waiting + " " + text + " (" + waited.toSeconds() + " s of "
                    + Http.seconds(limit) + " s)");
            out.flush();
            progressShown = true;
        } else if (waited.toNanos() >= plainProgressDue) {
            plainProgressDue += PLAIN_PROGRESS_EVERY.toNanos();
            out.println(stamp() + " " + waiting + " still " + text + " (" + waited.toSeconds() + " s of "
                    + Http.seconds(limit) + " s)");
            out.flush();
        }
    }

    void clearProgress() {
        if (progressShown) {
            out.print("\r\033[K");
            out.flush();
            progressShown = false;
        }
    }
}
