package dev.pimflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code pimctl}: the command line a person uses with pimflow. Publishes ticket events, answers MFA challenges,
 * watches the orchestrator's topics (DESIGN §3, §4) and replays Microsoft's PIM tutorial against Graph.
 *
 * <p>Exit codes: 0 ok, 1 runtime failure (Kafka or Graph unreachable, topic or challenge not found, a tutorial step
 * got an unexpected status), 2 usage error. Every error is
 * one line on stderr, prefixed {@code pimctl:}, that says what to fix.
 */
@Command(name = "pimctl",
        mixinStandardHelpOptions = true,
        versionProvider = Pimctl.Version.class,
        description = "Publish ticket events, answer MFA challenges and watch the topics of pimflow, the ticket-linked "
                + "Microsoft Entra PIM activation orchestrator; replay Microsoft's PIM tutorial against Graph or its simulator.",
        subcommands = {TicketCommand.class, MfaCommand.class, EventsCommand.class, TutorialCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  PIM_KAFKA_BOOTSTRAP_SERVERS  default of --bootstrap-servers",
                "  PIM_MFA_SHARED_SECRET        HS256 secret for 'mfa approve|deny'",
                "  PIMCTL_GRAPH_TOKEN           default of 'tutorial --token'",
                "  PIMCTL_GRAPH_USER_TOKEN      default of 'tutorial --user-token'"
        })
public class Pimctl implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", scope = ScopeType.INHERIT, paramLabel = "<host:port>[,...]",
            defaultValue = "${env:PIM_KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka to talk to (default: env PIM_KAFKA_BOOTSTRAP_SERVERS, else localhost:9092; now: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "<seconds>", defaultValue = "10",
            description = "How long to wait for Kafka (for 'tutorial': each Graph call) to answer before giving up "
                    + "(default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show the Kafka client's own log messages on stderr.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command tree: error handlers, exit codes and their documentation. Tests use it with their own out/err. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Pimctl());
        cli.setParameterExceptionHandler(Pimctl::usageError);
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> runtimeError(ex, cmd));
        Map<String, String> exitCodes = new LinkedHashMap<>();
        exitCodes.put("0", "ok");
        exitCodes.put("1", "runtime failure: Kafka or Graph unreachable, topic or challenge not found, publishing failed, "
                + "a tutorial step got another status than the spec gives");
        exitCodes.put("2", "usage error: unknown option, missing or invalid value");
        documentExitCodes(cli, exitCodes);
        return cli;
    }

    private static void documentExitCodes(CommandLine cli, Map<String, String> exitCodes) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
        cli.getSubcommands().values().forEach(sub -> documentExitCodes(sub, exitCodes));
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String suggestion = "";
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            suggestion = "; did you mean " + String.join(" or ", unmatched.getSuggestions().stream().limit(3).map(s -> "'" + s + "'").toList()) + "?";
        }
        err.println("pimctl: " + oneLine(ex.getMessage()) + suggestion + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int runtimeError(Exception ex, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof CliException) {
            err.println("pimctl: " + oneLine(ex.getMessage()));
        } else {
            // a bug or something unforeseen: still one line, with what went wrong
            err.println("pimctl: unexpected " + ex.getClass().getSimpleName() + ": " + oneLine(String.valueOf(ex.getMessage()))
                    + " (run with --verbose for the Kafka client's logs)");
        }
        err.flush();
        return EXIT_FAILURE;
    }

    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of ticket, mfa, events, tutorial");
    }

    /** Settings shared by every command; picocli copies inherited options into the subcommands, so look them up by name. */
    static KafkaSettings kafka(CommandSpec spec) {
        String servers = spec.findOption("--bootstrap-servers").getValue();
        Integer timeout = spec.findOption("--timeout").getValue();
        Boolean verbose = spec.findOption("--verbose").getValue();
        servers = Inputs.bootstrapServers(spec.commandLine(), servers);
        if (timeout == null || timeout < 1 || timeout > 600) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--timeout': must be between 1 and 600 seconds");
        }
        if (Boolean.TRUE.equals(verbose)) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "info");
        }
        return new KafkaSettings(servers, Duration.ofSeconds(timeout));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Pimctl.class.getResourceAsStream("/pimctl-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // fall through to "unknown"
            }
            return new String[]{"pimctl " + p.getProperty("version", "unknown")};
        }
    }
}
