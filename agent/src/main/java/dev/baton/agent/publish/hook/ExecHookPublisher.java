package dev.baton.agent.publish.hook;

import dev.baton.agent.process.CleanEnvironment;
import dev.baton.agent.process.MessageText;
import dev.baton.agent.config.publish.ExecHookConfig;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.WriteGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code exec}: runs a command (no shell) with the decision as substituted arguments and {@code BATON_*}
 * variables in a clean environment; exit 0 within the timeout is success.
 *
 * <p>Under {@code services[].publish} it has {@link Authority#LEADER}: the leader runs it, after
 * {@link WriteGate#beforeWrite}. Under {@code leader.publish} it has {@link Authority#EVERY_NODE}: every node runs
 * it on its own role changes (keepalived's {@code notify_master}/{@code notify_backup}), with
 * {@link WriteGate#LOCAL}. Runs are serial (the engine never calls one publisher twice at once) and each runs the
 * latest intent, so role changes are seen in order, though a flip and flip back during one run collapse into the
 * latest (level-triggered).
 *
 * <p>It cannot read a hook back: it remembers the last intent it delivered and answers {@link Outcome#inSync}
 * for the same one; a different intent runs the command again. Delivery is at least once.
 */
public final class ExecHookPublisher implements Publisher {
    /**
     * The placeholder names a command may use, without braces: {@code service instance address previous_instance
     * previous_address term index reason role droplet_id member}. The config reader mirrors
     * {@link #validateCommand}.
     */
    public static final Set<String> PLACEHOLDERS = CommandTemplate.NAMES;

    private final ExecHookConfig config;
    private final Authority authority;
    private final Map<String, String> agentEnvironment;
    private final DeliveryMemory memory = new DeliveryMemory();

    /**
     * @throws IllegalArgumentException when the command uses an unknown placeholder
     */
    public ExecHookPublisher(ExecHookConfig config, Authority authority) {
        this(config, authority, System.getenv());
    }

    /** @param agentEnvironment where {@link CleanEnvironment#INHERITED} variables are taken from (tests) */
    ExecHookPublisher(ExecHookConfig config, Authority authority, Map<String, String> agentEnvironment) {
        this.config = Objects.requireNonNull(config, "config");
        this.authority = Objects.requireNonNull(authority, "authority");
        this.agentEnvironment = Map.copyOf(agentEnvironment);
        validateCommand(config.command());
    }

    /**
     * The placeholder rule: in each argument, every {@code {name}} with {@code name} matching
     * {@code [a-z][a-z0-9_]*} must be one of {@link #PLACEHOLDERS}; other brace text is literal.
     *
     * @throws IllegalArgumentException naming the unknown placeholder, its argument index and the known names
     */
    public static void validateCommand(List<String> command) {
        CommandTemplate.validate(command);
    }

    @Override
    public String kind() {
        return "exec";
    }

    /** {@code exec /usr/local/bin/db-moved}: the program as configured, placeholders unsubstituted. */
    @Override
    public String target() {
        return "exec " + config.command().get(0);
    }

    @Override
    public Authority authority() {
        return authority;
    }

    /**
     * Runs the command unless this intent was the last one delivered. Blocks up to the configured timeout (plus
     * a moment to reap a killed tree); called on an engine thread; responds to interruption by killing the
     * process tree.
     *
     * <p>Messages name the problem without repeating {@link #target()}: {@code exit 3: <first output line>},
     * {@code timed out after 10000ms, killed: ...}, {@code cannot run /x: not found or not executable: ...}.
     *
     * @throws PublishException TRANSIENT on a non-zero exit, a timeout or a failed start; CONFIGURATION when the
     *                          program is not found or not executable; NOT_LEADING from the gate (not run)
     */
    @Override
    public Outcome reconcile(Intent intent, WriteGate gate) throws PublishException, InterruptedException {
        if (memory.alreadyDelivered(intent)) return Outcome.inSync("exit 0");
        memory.forget();
        HookValues values = HookValues.of(intent);
        List<String> argv = CommandTemplate.substitute(config.command(), values);
        Map<String, String> env = CleanEnvironment.of(agentEnvironment, values.environment());
        gate.beforeWrite(WriteGate.START_ONLY); // a hook outlasts any lease: started under it, fenced by its receiver
        HookProcess.Result result;
        try {
            result = HookProcess.run(argv, env, config.timeout());
        } catch (HookProcess.StartFailure e) {
            throw new PublishException(e.missing ? PublishException.Kind.CONFIGURATION : PublishException.Kind.TRANSIENT,
                    MessageText.escapeAndBound(e.getMessage()));
        }
        String output = result.firstLine().isEmpty() ? "" : ": " + MessageText.escapeAndBound(result.firstLine());
        if (result.ended() == HookProcess.Ended.TIMED_OUT) {
            throw new PublishException(PublishException.Kind.TRANSIENT,
                    "timed out after " + millis(config.timeout()) + ", killed" + output);
        }
        if (result.exitCode() != 0) {
            throw new PublishException(PublishException.Kind.TRANSIENT,
                    "exit " + result.exitCode() + output);
        }
        memory.delivered(intent);
        return Outcome.written("exit 0");
    }

    /** Never: a hook cannot be read back, so a periodic run would only repeat the delivery. */
    @Override
    public long resyncMillis() {
        return Long.MAX_VALUE;
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }
}
