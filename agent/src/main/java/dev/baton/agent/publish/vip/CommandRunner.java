package dev.baton.agent.publish.vip;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs the external commands a VIP needs ({@code ip}, {@code arping}, {@code sysctl}). Production uses
 * {@link ProcessCommandRunner}; a test may supply one that runs the same command inside a network namespace it
 * created ({@code ip netns exec <ns> ...}), and nothing else.
 */
public interface CommandRunner {
    /**
     * Runs {@code command} (no shell) with empty standard input and waits for it. Blocks up to {@code timeout};
     * then the process is killed.
     *
     * @throws IOException          when it cannot be started (the message names the program) or ran out of time
     *                              ({@link CommandTimeoutException})
     * @throws InterruptedException when the calling thread is interrupted; the process is killed first
     */
    CommandResult run(List<String> command, Duration timeout) throws IOException, InterruptedException;

    /**
     * Starts {@code command} in the background and returns at once: standard input empty, standard output
     * discarded, standard error readable from the returned process (the caller reads it after exit, so only
     * commands with little to say belong here). The caller owns the process and must end it.
     *
     * @throws IOException when it cannot be started
     */
    Process start(List<String> command) throws IOException;

    /** The command ran longer than its timeout and was killed. */
    final class CommandTimeoutException extends IOException {
        public CommandTimeoutException(String message) {
            super(message);
        }
    }
}
