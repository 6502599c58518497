package dev.baton.agent.check;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Where a network probe connects: an IP literal is parsed once, here; a host name is looked up before every run
 * on the blocking executor (the JVM's resolver caches answers for 30 s), so that a changed record is followed.
 */
final class ProbeTarget {
    private final String host;
    private final int port;
    private final InetAddress literal; // null when host is a name

    /** @param what names the check in error messages, e.g. "HTTP check" */
    ProbeTarget(String host, int port, String what) {
        if (host == null || host.isEmpty()) throw new IllegalArgumentException(what + " has no host");
        if (port < 1 || port > 65535) throw new IllegalArgumentException(what + " port must be 1-65535, not " + port);
        this.host = host;
        this.port = port;
        this.literal = isLiteral(host) ? parseLiteral(host, what) : null;
    }

    /** Whether no lookup is needed: a run then starts without touching the blocking executor. */
    boolean isLiteral() {
        return literal != null;
    }

    /**
     * Resolves the target, then runs {@code then} with it. A failed lookup is a failed run; the lookup and the time
     * spent queued for it are bounded by {@code timeout} (plus {@link BlockingStep#GUARD_GRACE}).
     */
    CompletableFuture<ProbeResult> resolveThen(Executor blocking, Duration timeout, long startNanos,
                                               Function<InetSocketAddress, CompletableFuture<ProbeResult>> then) {
        if (literal != null) return then.apply(new InetSocketAddress(literal, port));
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        BlockingStep.start(blocking, result, () -> {
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                result.complete(ProbeResult.fail("unknown host " + host, startNanos));
                return;
            }
            then.apply(address).thenAccept(result::complete);
        });
        BlockingStep.guard(result, timeout);
        return result;
    }

    /** An IPv6 literal has a colon; an IPv4 one is four dot-separated decimal numbers. */
    static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static InetAddress parseLiteral(String host, String what) {
        try {
            return InetAddress.getByName(host); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + " host is not a valid IP address: " + host);
        }
    }
}
