package dev.pimflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pimctl mfa}: the development MFA gateway's side of DESIGN §4 {@code mfa.challenge} / {@code mfa.response}. */
@Command(
        name = "mfa",
        mixinStandardHelpOptions = true,
        description = "List MFA challenges and answer them with a signed decision, as an MFA gateway would.",
        subcommands = {MfaPendingCommand.class, MfaAnswerCommand.Approve.class, MfaAnswerCommand.Deny.class})
class MfaCommand implements Runnable {
    static final String CHALLENGES_TOPIC = "pim.mfa.challenges";
    static final String RESPONSES_TOPIC = "pim.mfa.responses";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of pending, approve, deny");
    }
}
