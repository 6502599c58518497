package dev.baton.agent.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * TCP connect: healthy when a connection to host:port is established within the timeout; the connection is
 * closed at once without sending anything. The blocking connect (and the host name lookup before it) runs on
 * the given executor.
 */
public final class TcpProbe implements Probe {
    private final CheckSpec.Tcp spec;
    private final Executor executor;

    public TcpProbe(CheckSpec.Tcp spec, Executor executor) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.executor = Objects.requireNonNull(executor, "executor");
        if (spec.port() < 1 || spec.port() > 65535) {
            throw new IllegalArgumentException("TCP check port must be 1-65535, not " + spec.port());
        }
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        Duration timeout = spec.timing().timeout();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        Socket socket = new Socket();
        // Closing the socket is the only way to abort a blocked connect (it ignores interrupts).
        result.whenComplete((r, e) -> closeQuietly(socket));
        BlockingStep.start(executor, result, () -> connect(socket, timeout, result));
        // Bounds the name lookup and the time spent queued, which the connect timeout does not cover.
        BlockingStep.guard(result, timeout);
        return result;
    }

    private void connect(Socket socket, Duration timeout, CompletableFuture<ProbeResult> result) {
        long start = System.nanoTime();
        try {
            socket.connect(new InetSocketAddress(spec.host(), spec.port()), (int) Math.max(1, timeout.toMillis()));
            result.complete(ProbeResult.pass("connected", start));
        } catch (IOException | RuntimeException e) {
            result.complete(ProbeResult.fail(Failures.describe(e, timeout), start));
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing was sent; a failed close leaks nothing we can act on
        }
    }
}
