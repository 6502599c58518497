package dev.baton.agent.check;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A probe of a network target (host and port): it resolves the target as {@link ProbeTarget} says, then runs
 * its own part against the address. A target that is an IP literal starts quickly (no lookup).
 */
abstract sealed class TargetProbe implements Probe permits PlainHttpProbe, TcpProbe {
    private final ProbeTarget target;
    private final Executor blockingExecutor;
    private final Duration timeout;

    TargetProbe(ProbeTarget target, Executor blockingExecutor, Duration timeout) {
        this.target = target;
        this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public final boolean startsQuickly() {
        return target.isLiteral();
    }

    @Override
    public final CompletableFuture<ProbeResult> run() {
        long start = System.nanoTime();
        return target.resolveThen(blockingExecutor, timeout, start, address -> runAt(address, start));
    }

    /**
     * This probe's part, against the resolved address, within what is left of the timeout since
     * {@code startNanos}. Never throws; the future always completes normally.
     */
    abstract CompletableFuture<ProbeResult> runAt(InetSocketAddress address, long startNanos);
}
