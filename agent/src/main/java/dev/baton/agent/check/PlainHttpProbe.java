package dev.baton.agent.check;

import dev.baton.agent.check.http.PlainHttpClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Plain {@code http://} GET through the shared {@link PlainHttpClient}, on a kept-alive connection of its own,
 * judged by {@link HttpJudge}. Its host is resolved as {@link ProbeTarget} says.
 */
public final class PlainHttpProbe extends TargetProbe {
    private final CheckSpec.Http spec;
    private final PlainHttpClient.Session session;
    private final HttpJudge judge;
    private final byte[] request;

    public PlainHttpProbe(CheckSpec.Http spec, PlainHttpClient client, Executor blockingExecutor) {
        super(target(spec.url()), blockingExecutor, spec.timing().timeout());
        this.spec = spec;
        this.judge = new HttpJudge(spec);
        this.request = requestBytes(spec.url());
        this.session = Objects.requireNonNull(client, "client").newSession();
    }

    private static ProbeTarget target(URI url) {
        if (!"http".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("plain HTTP check URL must use http, not " + url.getScheme());
        }
        String rawHost = url.getHost();
        if (rawHost == null || rawHost.isEmpty()) throw new IllegalArgumentException("HTTP check URL has no host");
        String host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        return new ProbeTarget(host, url.getPort() == -1 ? 80 : url.getPort(), "HTTP check");
    }

    @Override
    CompletableFuture<ProbeResult> runAt(InetSocketAddress address, long start) {
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

    private static byte[] requestBytes(URI url) {
        String rawHost = url.getHost();
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
}
