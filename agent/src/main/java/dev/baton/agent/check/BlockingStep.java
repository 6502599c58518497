package dev.baton.agent.check;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** How a probe hands its blocking part (a connect, a name lookup, a process start) to the bounded executor. */
final class BlockingStep {
    /**
     * Extra time on top of a check's timeout before a probe gives up on its own: the step's own timer normally
     * fires first, this only bounds a lookup or a wait in the executor's queue that it does not cover.
     */
    static final Duration GUARD_GRACE = Duration.ofMillis(100);

    private BlockingStep() {}

    /**
     * Runs {@code step} on {@code executor}, unless {@code result} is already complete by then. When the executor
     * refuses (the runner is closing), completes {@code result} with a failure that says so.
     */
    static void start(Executor executor, CompletableFuture<ProbeResult> result, Runnable step) {
        try {
            executor.execute(() -> {
                if (!result.isDone()) step.run();
            });
        } catch (RejectedExecutionException e) {
            result.complete(ProbeResult.fail("not run: checks are shutting down", Duration.ZERO));
        }
    }

    /** Completes {@code result} as timed out if nothing else has within {@code timeout} plus {@link #GUARD_GRACE}. */
    static void guard(CompletableFuture<ProbeResult> result, Duration timeout) {
        result.completeOnTimeout(ProbeResult.timedOut(timeout), timeout.plus(GUARD_GRACE).toNanos(), TimeUnit.NANOSECONDS);
    }
}
