package dev.baton.agent.check;

import dev.baton.agent.check.http.PlainHttpClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * TCP connect: healthy when a connection to host:port is established within the timeout; the connection is
 * closed at once without sending anything. The connect is non-blocking, on the shared {@link PlainHttpClient}'s
 * thread, so a target that never answers holds no thread; only a host name lookup runs on the blocking executor.
 */
public final class TcpProbe extends TargetProbe {
    private final Duration timeout;
    private final PlainHttpClient client;

    public TcpProbe(CheckSpec.Tcp spec, PlainHttpClient client, Executor blockingExecutor) {
        super(new ProbeTarget(spec.host(), spec.port(), "TCP check"), blockingExecutor, spec.timing().timeout());
        this.timeout = spec.timing().timeout();
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    CompletableFuture<ProbeResult> runAt(InetSocketAddress address, long start) {
        long remaining = timeout.toNanos() - (System.nanoTime() - start);
        if (remaining <= 0) return CompletableFuture.completedFuture(ProbeResult.timedOut(timeout));
        return client.connect(address, remaining).handle((connected, error) -> error == null
                ? ProbeResult.pass("connected", start)
                : ProbeResult.fail(Failures.describe(error, timeout), start));
    }
}
