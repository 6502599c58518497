package dev.baton.agent.cli;

import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code baton} command. Exit codes: 0 success, 2 usage or config error, 1 runtime failure.
 *
 * <p>To add a subcommand, write a {@code @Command} class in this package (a {@code Callable<Integer>} that
 * prints through {@code spec.commandLine().getOut()}) and add it to the {@code subcommands} list below: one line.
 * It can reach this object, e.g. for {@link #env()}, through a {@code @ParentCommand BatonCli} field.
 */
@Command(
        name = "baton",
        mixinStandardHelpOptions = true,
        versionProvider = BatonCli.VersionProvider.class,
        description = "Baton: keeps exactly one healthy instance of each service published.",
        subcommands = {
                ValidateCommand.class,
                KeygenCommand.class,
                AgentCommand.class,
                StatusCommand.class,
                RecoverCommand.class,
                ReloadCommand.class,
                DemoCommand.class,
                ActionCommands.Switch.class,
                ActionCommands.Drain.class,
                ActionCommands.Undrain.class,
                ActionCommands.Pin.class,
                ActionCommands.Unpin.class,
                ActionCommands.ApproveFailback.class,
                ActionCommands.History.class,
                CommandLine.HelpCommand.class,
        })
public final class BatonCli implements Runnable {
    /** Exit code for success. */
    public static final int EXIT_OK = CommandLine.ExitCode.OK;
    /** Exit code for a runtime failure (an exception escaped a command). */
    public static final int EXIT_FAILURE = CommandLine.ExitCode.SOFTWARE;
    /** Exit code for bad usage or an invalid config. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    private final Function<String, String> env;

    @Spec
    private CommandSpec spec;

    /** Uses the process environment. */
    public BatonCli() {
        this(System::getenv);
    }

    /** {@code env} looks up environment variables (null when unset); tests inject a map's {@code get}. */
    public BatonCli(Function<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    public static void main(String[] args) {
        // With two cores or fewer the JDK HTTP client (HTTPS checks) would start a thread per async response
        // on the common pool's fallback: give the pool threads before anything uses it.
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
                    String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
        System.exit(commandLine(System::getenv).execute(args));
    }

    /**
     * A ready-to-execute command line; set its out and err to capture output. Baton's exit codes are picocli's
     * defaults: 2 for a usage error (a {@code ParameterException}), 1 for an exception escaping a command.
     */
    public static CommandLine commandLine(Function<String, String> env) {
        return new CommandLine(new BatonCli(env));
    }

    /** Environment lookup for subcommands. */
    public Function<String, String> env() {
        return env;
    }

    /** {@code baton} alone: a usage error that lists the subcommands. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The version from the jar manifest ({@code Implementation-Version}), or a marker when run from classes. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BatonCli.class.getPackage().getImplementationVersion();
            return new String[] {"baton " + (version == null ? "(development build)" : version)};
        }
    }
}
