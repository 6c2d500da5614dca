package dev.pimflow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * {@code pimctl}: the command line a person uses with pimflow. Publishes ticket events, answers MFA challenges,
 * watches the orchestrator's topics (DESIGN §3, §4), reads, revokes and extends activations, decides approvals and checks
 * the audit chain through the orchestrator's REST API, plays the walkthrough's story ({@code demo}) and replays Microsoft's PIM tutorial against
 * Graph.
 *
 * <p>Exit codes: 0 ok, 1 runtime failure (Kafka, the orchestrator or Graph unreachable or refusing, topic, challenge,
 * activation, approval or ticket not found, a tutorial or demo step failed), 2 usage error, 3 verification failed ({@code audit verify}: the
 * audit chain is broken). Every error is one line on stderr, prefixed {@code pimctl:}, that says what to fix.
 */
@Command(
        name = "pimctl",
        mixinStandardHelpOptions = true,
        versionProvider = Pimctl.Version.class,
        description =
                "Publish ticket events, answer MFA challenges and watch the topics of pimflow, the ticket-linked "
                        + "Microsoft Entra PIM activation orchestrator; list, revoke and extend activations, approve or deny "
                        + "approvals and check the audit trail through "
                        + "its REST API; play the walkthrough's story (demo); replay Microsoft's PIM tutorial against Graph or its simulator.",
        subcommands = {
            TicketCommand.class,
            MfaCommand.class,
            EventsCommand.class,
            ActivationsCommand.class,
            ApprovalsCommand.class,
            AuditCommand.class,
            DemoCommand.class,
            TutorialCommand.class
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  PIM_KAFKA_BOOTSTRAP_SERVERS  default of --bootstrap-servers",
            "  PIM_KAFKA_CONFIG             default of --kafka-config",
            "  PIMFLOW_URL                  default of --url",
            "  PIMFLOW_USER                 default of --user",
            "  PIM_ADMIN_PASSWORD           REST API password of --user (or --password-file)",
            "  PIM_MFA_SHARED_SECRET        HS256 secret for 'mfa approve|deny' and 'demo'",
            "  PIMCTL_GRAPH_TOKEN           default of 'tutorial --token'",
            "  PIMCTL_GRAPH_USER_TOKEN      default of 'tutorial --user-token'"
        })
public class Pimctl extends CommandGroup {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_VERIFICATION_FAILED = 3;

    static final String PASSWORD_ENV = "PIM_ADMIN_PASSWORD";
    static final String DEFAULT_URL = "http://localhost:8080";
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(600);

    @Option(
            names = "--bootstrap-servers",
            scope = ScopeType.INHERIT,
            paramLabel = "<host:port>[,...]",
            defaultValue = "${env:PIM_KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description =
                    "Kafka to talk to (default: env PIM_KAFKA_BOOTSTRAP_SERVERS, else localhost:9092; now: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--kafka-config",
            scope = ScopeType.INHERIT,
            paramLabel = "<file>",
            defaultValue = "${env:PIM_KAFKA_CONFIG}",
            description = "A Kafka client properties file with how to authenticate: security.protocol, sasl.mechanism, "
                    + "sasl.jaas.config, ssl.* (a broker with SASL/SCRAM or mutual TLS, README \"Kafka security\"; "
                    + "default: env PIM_KAFKA_CONFIG, else none). Its secrets stay in the file, out of process lists.")
    Path kafkaConfig;

    @Option(
            names = "--url",
            scope = ScopeType.INHERIT,
            paramLabel = "<url>",
            defaultValue = "${env:PIMFLOW_URL:-" + DEFAULT_URL + "}",
            description = "The orchestrator's REST API (default: env PIMFLOW_URL, else " + DEFAULT_URL
                    + "; now: ${DEFAULT-VALUE}).")
    String url;

    @Option(
            names = "--user",
            scope = ScopeType.INHERIT,
            paramLabel = "<name>",
            defaultValue = "${env:PIMFLOW_USER:-admin}",
            description =
                    "User for the REST API (HTTP Basic; default: env PIMFLOW_USER, else admin; now: ${DEFAULT-VALUE}). "
                            + "Its password comes from env " + PASSWORD_ENV
                            + " or --password-file, never from an option.")
    String user;

    @Option(
            names = "--password-file",
            scope = ScopeType.INHERIT,
            paramLabel = "<file>",
            description = "Read the REST password from this file (its first line) instead of env " + PASSWORD_ENV + ".")
    Path passwordFile;

    /**
     * Not a way to give the password: a value on the command line shows in process lists and shell history. Hidden, and
     * refused while parsing, so the value is not echoed back the way an unknown option's would be.
     */
    @Option(names = "--password", scope = ScopeType.INHERIT, hidden = true, paramLabel = "<refused>")
    void password(String ignored) {
        throw new ParameterException(
                spec.commandLine(),
                "option '--password' is not supported: a password on the command line "
                        + "shows in process lists and shell history; set " + PASSWORD_ENV
                        + " or use --password-file <file>");
    }

    @Option(
            names = "--timeout",
            scope = ScopeType.INHERIT,
            paramLabel = "<duration>",
            defaultValue = "10s",
            converter = Inputs.ShortDuration.class,
            description =
                    "How long to wait for Kafka, the orchestrator or Graph to answer each call, e.g. 10, 10s, 2m "
                            + "(default: ${DEFAULT-VALUE}, at most 600s). For 'demo': how long each step of the story waits (default there: 60s).")
    Duration timeout;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Show the Kafka client's own log messages on stderr.")
    boolean verbose;

    /** Where the REST password is looked up; tests replace it. */
    Map<String, String> environment = System.getenv();

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
        exitCodes.put(
                "1",
                "runtime failure: Kafka, the orchestrator or Graph unreachable or refusing (e.g. 401: wrong "
                        + PASSWORD_ENV
                        + "), topic, challenge, activation, approval or ticket not found, publishing failed, a tutorial or demo step failed");
        exitCodes.put("2", "usage error: unknown option, missing or invalid value, no REST password");
        Map<String, String> withVerification = new LinkedHashMap<>(exitCodes);
        withVerification.put("3", "verification failed: 'audit verify' found the audit chain broken");
        documentExitCodes(cli, exitCodes, withVerification);
        return cli;
    }

    /** Exit code 3 is documented where it can happen: pimctl itself, 'audit' and 'audit verify'. */
    private static void documentExitCodes(
            CommandLine cli, Map<String, String> exitCodes, Map<String, String> withVerification) {
        String name = cli.getCommandSpec().qualifiedName();
        boolean verifies = name.equals("pimctl") || name.equals("pimctl audit") || name.equals("pimctl audit verify");
        cli.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(verifies ? withVerification : exitCodes);
        cli.getSubcommands().values().forEach(sub -> documentExitCodes(sub, exitCodes, withVerification));
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String suggestion = "";
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            suggestion = "; did you mean "
                    + String.join(
                            " or ",
                            unmatched.getSuggestions().stream()
                                    .limit(3)
                                    .map(s -> "'" + s + "'")
                                    .toList()) + "?";
        }
        // picocli prefixes its argument-group messages with "Error: "; the line already says it is one
        String message = oneLine(ex.getMessage()).replaceFirst("^Error: ", "");
        err.println("pimctl: " + message + suggestion + " (see '"
                + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int runtimeError(Exception ex, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof CliException) {
            err.println("pimctl: " + oneLine(ex.getMessage()));
        } else {
            // a bug or something unforeseen: still one line, with what went wrong
            err.println("pimctl: unexpected " + ex.getClass().getSimpleName() + ": "
                    + oneLine(String.valueOf(ex.getMessage())) + " (run with --verbose for the Kafka client's logs)");
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

    /** Settings shared by every command; picocli copies inherited options into the subcommands, so look them up by name. */
    static KafkaSettings kafka(CommandSpec spec) {
        return kafka(spec, callTimeout(spec));
    }

    /** The Kafka settings with another per-call timeout (the demo bounds its calls apart from its steps). */
    static KafkaSettings kafka(CommandSpec spec, Duration timeout) {
        String servers = spec.findOption("--bootstrap-servers").getValue();
        Boolean verbose = spec.findOption("--verbose").getValue();
        servers = Inputs.bootstrapServers(spec.commandLine(), servers);
        if (Boolean.TRUE.equals(verbose)) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "info");
        }
        Path config = spec.findOption("--kafka-config").getValue();
        return new KafkaSettings(
                servers, timeout, config == null ? Map.of() : Inputs.kafkaSecurity(spec.commandLine(), config));
    }

    /** The global {@code --timeout}, checked: between 1 and 600 seconds. */
    static Duration callTimeout(CommandSpec spec) {
        Duration timeout = spec.findOption("--timeout").getValue();
        return Inputs.within(spec.commandLine(), "--timeout", timeout, Duration.ofSeconds(1), MAX_TIMEOUT);
    }

    /** The orchestrator's REST API, as --url, --user and the password say; calls bounded by --timeout. */
    static ApiClient orchestrator(CommandSpec spec) {
        return orchestrator(spec, callTimeout(spec));
    }

    /**
     * The orchestrator's REST API with the given per-call timeout. The password comes from --password-file, else env
     * PIM_ADMIN_PASSWORD; without one it is a usage error (exit 2) that says how to give it.
     */
    static ApiClient orchestrator(CommandSpec spec, Duration timeout) {
        CommandLine cmd = spec.commandLine();
        URI base = Inputs.httpUrl(cmd, "--url", spec.findOption("--url").getValue(), DEFAULT_URL);
        String user = spec.findOption("--user").getValue();
        if (user == null
                || user.isBlank()
                || user.contains(":")
                || !user.strip().equals(user)
                || user.chars().anyMatch(Character::isISOControl)) {
            throw Inputs.invalid(
                    cmd, "--user", user, "is not a user name (no ':', spaces around it or control characters)");
        }
        Path file = spec.findOption("--password-file").getValue();
        String password;
        String from;
        if (file != null) {
            password = readPasswordFile(cmd, file);
            from = "--password-file " + file;
        } else {
            Object root = spec.root().userObject();
            Map<String, String> env = root instanceof Pimctl p ? p.environment : System.getenv();
            password = env.get(PASSWORD_ENV);
            from = PASSWORD_ENV;
            if (password == null || password.isEmpty()) {
                throw new ParameterException(
                        cmd,
                        "no password for user '" + user + "': set " + PASSWORD_ENV
                                + " (or give --password-file <file>) to the admin password the orchestrator printed at its first start");
            }
        }
        return new ApiClient(base, user, password, from, new Http(timeout));
    }

    private static String readPasswordFile(CommandLine cmd, Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw Inputs.invalid(
                    cmd,
                    "--password-file",
                    file.toString(),
                    "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        // the first line, without its line break: `echo secret > file` and editors add one
        String password = content.lines().findFirst().orElse("");
        if (password.isEmpty()) {
            throw Inputs.invalid(cmd, "--password-file", file.toString(), "holds no password on its first line");
        }
        return password;
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
            return new String[] {"pimctl " + p.getProperty("version", "unknown")};
        }
    }
}
