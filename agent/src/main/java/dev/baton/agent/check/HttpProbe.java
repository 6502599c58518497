package dev.baton.agent.check;

import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * HTTPS (or HTTP) GET through a shared JDK {@link HttpClient}, judged by {@link HttpJudge}. The check runner uses
 * it for {@code https://} URLs; plain {@code http://} goes through the lighter {@link PlainHttpProbe}.
 */
public final class HttpProbe implements Probe {
    /** At most this much of a body is read when looking for the expected text; the rest is never downloaded. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final CheckSpec.Http spec;
    private final HttpClient client;
    private final HttpRequest request;
    private final HttpJudge judge;

    /**
     * @param client a client from {@link #newClient}, built with {@code insecure} equal to the spec's; shared by
     *               all HTTP probes of a runner so that connections are pooled and kept alive
     */
    public HttpProbe(CheckSpec.Http spec, HttpClient client) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.client = Objects.requireNonNull(client, "client");
        String scheme = spec.url().getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("HTTP check URL must use http or https, not " + scheme);
        }
        // The request timeout covers connecting too when the client has no connect timeout of its own (a shared
        // client cannot carry one per check), so the spec's timeout bounds the whole exchange.
        this.request = HttpRequest.newBuilder(spec.url())
                .GET()
                .timeout(spec.timing().timeout())
                .header("User-Agent", "baton-check")
                .build();
        this.judge = new HttpJudge(spec);
    }

    /**
     * A client for HTTP checks: HTTP/1.1 (keep-alive, no h2 upgrade surprises), redirects never followed, no
     * connect timeout (each request carries its own timeout).
     *
     * @param insecure when true, TLS certificates and host names are NOT verified at all: any certificate from
     *                 anyone is accepted. Meant only for checking instances with self-signed certificates on a
     *                 trusted network; the check then proves liveness, not identity.
     * @param executor runs the client's asynchronous tasks; owned by the caller
     */
    public static HttpClient newClient(boolean insecure, Executor executor) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
        if (insecure) builder.sslContext(trustAllContext());
        return builder.build();
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        long start = System.nanoTime();
        Duration timeout = spec.timing().timeout();
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = client.sendAsync(request, this::bodyHandler);
        } catch (RuntimeException e) { // e.g. the client's executor was shut down
            return CompletableFuture.completedFuture(ProbeResult.fail(Failures.describe(e, timeout), start));
        }
        CompletableFuture<ProbeResult> result = exchange.handle((response, error) ->
                error != null ? ProbeResult.fail(Failures.describe(error, timeout), start) : judge(response, start));
        BlockingStep.guard(result, timeout); // the client's own timer normally fires first
        // Cancelling the client's future aborts the exchange and closes its connection (JDK 16+).
        result.whenComplete((r, e) -> exchange.cancel(true));
        return result;
    }

    private ProbeResult judge(HttpResponse<byte[]> response, long start) {
        return judge.judge(response.statusCode(), response.body(), start);
    }

    private HttpResponse.BodySubscriber<byte[]> bodyHandler(HttpResponse.ResponseInfo info) {
        if (!judge.wantsBody() || !judge.statusOk(info.statusCode())) {
            // Drains the body so that the connection goes back to the pool.
            return HttpResponse.BodySubscribers.replacing(null);
        }
        return new BoundedBody(MAX_BODY_BYTES);
    }

    /** Collects up to {@code limit} bytes, then cancels the subscription (which closes the connection). */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final byte[] buffer;
        private int size;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.buffer = new byte[limit];
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) return;
            for (ByteBuffer item : items) {
                int n = Math.min(item.remaining(), buffer.length - size);
                item.get(buffer, size, n);
                size += n;
            }
            if (size == buffer.length) {
                body.complete(buffer.clone());
                subscription.cancel();
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(java.util.Arrays.copyOf(buffer, size));
        }
    }

    private static SSLContext trustAllContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the insecure TLS context", e);
        }
    }

    /**
     * Accepts every certificate. It must be an X509ExtendedTrustManager: the JDK wraps a plain X509TrustManager
     * in one that still checks the host name, which is exactly what self-signed instances fail.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
