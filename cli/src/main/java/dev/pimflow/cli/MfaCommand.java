package dev.pimflow.cli;

import picocli.CommandLine.Command;

/** {@code pimctl mfa}: the development MFA gateway's side of DESIGN §4 {@code mfa.challenge} / {@code mfa.response}. */
@Command(
        name = "mfa",
        mixinStandardHelpOptions = true,
        description = "List MFA challenges and answer them with a signed decision, as an MFA gateway would.",
        subcommands = {MfaPendingCommand.class, MfaAnswerCommand.Approve.class, MfaAnswerCommand.Deny.class})
class MfaCommand extends CommandGroup {
    static final String CHALLENGES_TOPIC = "pim.mfa.challenges";
    static final String RESPONSES_TOPIC = "pim.mfa.responses";
}
