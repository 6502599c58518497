package dev.baton.agent.check;

import dev.baton.agent.check.http.PlainHttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * TCP connect: healthy when a connection to host:port is established within the timeout; the connection is
 * closed at once without sending anything. The connect is non-blocking, on the shared {@link PlainHttpClient}'s
 * thread, so a target that never answers holds no thread; only a host name lookup runs on the blocking executor.
 */
public final class TcpProbe implements Probe {
    private final CheckSpec.Tcp spec;
    private final PlainHttpClient client;
    private final Executor blockingExecutor;
    private final ProbeTarget target;

    public TcpProbe(CheckSpec.Tcp spec, PlainHttpClient client, Executor blockingExecutor) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.client = Objects.requireNonNull(client, "client");
        this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        this.target = new ProbeTarget(spec.host(), spec.port(), "TCP check");
    }

    @Override
    public boolean startsQuickly() {
        return target.isLiteral();
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        long start = System.nanoTime();
        Duration timeout = spec.timing().timeout();
        return target.resolveThen(blockingExecutor, timeout, start, address -> {
            long remaining = timeout.toNanos() - (System.nanoTime() - start);
            if (remaining <= 0) return CompletableFuture.completedFuture(ProbeResult.timedOut(timeout));
            return client.connect(address, remaining).handle((connected, error) -> error == null
                    ? ProbeResult.pass("connected", start)
                    : ProbeResult.fail(Failures.describe(error, timeout), start));
        });
    }
}
