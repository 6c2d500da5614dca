package dev.pimflow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

/** Runs pimctl in-process the way main does, with stdout and stderr captured. */
record CliRun(int exitCode, String out, String err, Duration took) {
    static CliRun run(String... args) {
        return run(cli -> {}, args);
    }

    /** As {@link #run(String...)}, after {@code setup} has adjusted the command tree (e.g. a test's environment). */
    static CliRun run(java.util.function.Consumer<picocli.CommandLine> setup, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Pimctl.commandLine();
        setup.accept(cli);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** stderr as its lines, without the trailing line break. */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.stripTrailing().split("\\R");
    }
}
