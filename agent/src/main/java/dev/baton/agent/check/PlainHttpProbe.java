package dev.baton.agent.check;

import dev.baton.agent.check.http.PlainHttpClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Plain {@code http://} GET through the shared {@link PlainHttpClient}, on a kept-alive connection of its own,
 * judged by {@link HttpJudge}. A URL whose host is an IP literal is resolved once, here; a host name is looked
 * up before every run on the blocking executor (the JVM's resolver caches answers for 30 s), so that a changed
 * record is followed.
 */
public final class PlainHttpProbe implements Probe {
    private final CheckSpec.Http spec;
    private final PlainHttpClient.Session session;
    private final Executor blockingExecutor;
    private final HttpJudge judge;
    private final String host;
    private final int port;
    private final InetAddress literal; // null when host is a name
    private final byte[] request;

    public PlainHttpProbe(CheckSpec.Http spec, PlainHttpClient client, Executor blockingExecutor) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        URI url = spec.url();
        if (!"http".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("plain HTTP check URL must use http, not " + url.getScheme());
        }
        String rawHost = url.getHost();
        if (rawHost == null || rawHost.isEmpty()) throw new IllegalArgumentException("HTTP check URL has no host");
        this.host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        this.port = url.getPort() == -1 ? 80 : url.getPort();
        if (port < 1 || port > 65535) throw new IllegalArgumentException("HTTP check port must be 1-65535, not " + port);
        this.literal = isLiteral(host) ? parseLiteral(host) : null;
        this.judge = new HttpJudge(spec);
        this.request = requestBytes(url, rawHost);
        this.session = Objects.requireNonNull(client, "client").newSession();
    }

    @Override
    public boolean startsQuickly() {
        return literal != null;
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        long start = System.nanoTime();
        Duration timeout = spec.timing().timeout();
        if (literal != null) return exchange(new InetSocketAddress(literal, port), start);
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        BlockingStep.start(blockingExecutor, result, () -> {
            try {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
                exchange(address, start).whenComplete((r, e) -> result.complete(r));
            } catch (UnknownHostException e) {
                result.complete(ProbeResult.fail("unknown host " + host, start));
            }
        });
        // Bounds the name lookup and the time spent queued, which the exchange's own timeout does not cover.
        BlockingStep.guard(result, timeout);
        return result;
    }

    private CompletableFuture<ProbeResult> exchange(InetSocketAddress address, long start) {
        Duration timeout = spec.timing().timeout();
        long remaining = timeout.toNanos() - (System.nanoTime() - start);
        if (remaining <= 0) return CompletableFuture.completedFuture(ProbeResult.timedOut(timeout));
        var sent = session.send(new PlainHttpClient.Request(address, request, judge.wantsBody(),
                HttpProbe.MAX_BODY_BYTES, remaining));
        return sent.handle((response, error) -> error != null
                ? ProbeResult.fail(Failures.describe(error, timeout), start)
                : judge.judge(response.status(), response.body(), start));
    }

    @Override
    public void close() {
        session.close();
    }

    private static byte[] requestBytes(URI url, String rawHost) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
        String hostHeader = rawHost + (url.getPort() == -1 ? "" : ":" + url.getPort());
        String text = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "User-Agent: baton-check\r\n"
                + "Accept: */*\r\n"
                + "\r\n";
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An IPv6 literal has a colon; an IPv4 one is four dot-separated decimal numbers. */
    static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static InetAddress parseLiteral(String host) {
        try {
            return InetAddress.getByName(host); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("HTTP check host is not a valid IP address: " + host);
        }
    }
}
