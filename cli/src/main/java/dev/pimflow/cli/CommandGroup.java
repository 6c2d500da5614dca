package dev.pimflow.cli;

import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: run without one, it is a usage error that names them. */
abstract class CommandGroup implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing command: one of "
                        + spec.subcommands().values().stream()
                                .distinct()
                                .map(c -> c.getCommandSpec().name())
                                .collect(Collectors.joining(", ")));
    }
}
