package dev.baton.agent.publish.hook;

import dev.baton.agent.process.MessageText;
import dev.baton.agent.config.Secret;
import dev.baton.agent.config.publish.WebhookConfig;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.WriteGate;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code webhook}: POSTs the decision as JSON ({@link WebhookBody}) to a URL; any 2xx answer within the timeout is
 * success. Sends {@code Authorization: Bearer <token>} when a token is configured. Uses the JDK
 * {@link HttpClient}: HTTP/1.1, redirects never followed (a redirect must not carry the token elsewhere).
 *
 * <p>Like {@link ExecHookPublisher} it cannot read back what it delivered: it remembers the last intent
 * delivered and answers {@link Outcome#inSync} for the same one. Delivery is at least once; receivers dedupe on
 * {@code term}/{@code index}.
 *
 * <p>Secrets: the token, and the URL's user-info and query (which often carry a key), never appear in
 * {@link #target()} or an exception message; a receiver's answer quoted in a message is scrubbed of them.
 */
public final class WebhookPublisher implements Publisher {
    /** At most this much of an answer is read, for the first line quoted in an error message. */
    static final int ANSWER_BYTES = 4096;
    private final WebhookConfig config;
    private final Authority authority;
    private final HttpClient client;
    private final String userAgent;
    private final String display;
    private final List<String> secrets = new ArrayList<>();
    private final DeliveryMemory memory = new DeliveryMemory();
    /** What the last success answered ({@code HTTP 204}), reported again while the intent is unchanged. */
    private String lastPublished = "";

    /**
     * @throws IllegalArgumentException when the URL is not http or https, or the token cannot be a header value
     *                                  (the message names the token's source, never its value)
     */
    public WebhookPublisher(WebhookConfig config, Authority authority) {
        this.config = Objects.requireNonNull(config, "config");
        this.authority = Objects.requireNonNull(authority, "authority");
        String scheme = config.url().getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("webhook url must use http or https, not " + scheme);
        }
        config.token().ifPresent(t -> {
            if (!t.text().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("webhook token from " + t.source()
                        + " must be printable ASCII without spaces");
            }
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.timeout())
                .build();
        this.userAgent = "baton/" + version();
        this.display = displayUrl(config.url());
        config.token().map(Secret::text).filter(t -> !t.isEmpty()).ifPresent(secrets::add);
        Optional.ofNullable(config.url().getRawQuery()).filter(q -> !q.isEmpty()).ifPresent(secrets::add);
        Optional.ofNullable(config.url().getRawUserInfo()).filter(u -> !u.isEmpty()).ifPresent(secrets::add);
    }

    @Override
    public String kind() {
        return "webhook";
    }

    /** {@code webhook https://hooks.example.com/baton}: no user-info, query or fragment. */
    @Override
    public String target() {
        return "webhook " + display;
    }

    @Override
    public Authority authority() {
        return authority;
    }

    /**
     * POSTs the intent unless it was the last one delivered. Blocks up to the configured timeout (connect, then
     * the whole exchange); called on an engine thread; interruptible.
     *
     * <p>Messages name the problem without repeating {@link #target()}: {@code HTTP 500: <first line of the
     * answer>}, {@code no answer within 5000ms}, {@code ConnectException}.
     *
     * @throws PublishException TRANSIENT on a network error, a timeout or a non-2xx answer (with
     *                          {@link PublishException#retryAfter} from a {@code Retry-After} header);
     *                          CONFIGURATION on 401 or 403; NOT_LEADING from the gate (nothing sent)
     */
    @Override
    public Outcome reconcile(Intent intent, WriteGate gate) throws PublishException, InterruptedException {
        if (memory.alreadyDelivered(intent)) return Outcome.inSync(lastPublished);
        memory.forget();
        HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(WebhookBody.bytes(intent)));
        config.token().ifPresent(t -> request.header("Authorization", "Bearer " + t.text()));
        gate.beforeWrite(WriteGate.START_ONLY); // a hook outlasts any lease: started under it, fenced by its receiver
        // The request timeout ends when the headers arrive; the deadline on the future bounds the body too.
        AtomicReference<HttpResponse.ResponseInfo> head = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request.build(), info -> {
            head.set(info);
            return new BoundedBody(ANSWER_BYTES);
        });
        int status;
        HttpHeaders headers;
        String answer;
        try {
            HttpResponse<byte[]> response = exchange.get(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
            status = response.statusCode();
            headers = response.headers();
            answer = firstLineOf(response.body());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            exchange.cancel(true);
            HttpResponse.ResponseInfo info = head.get();
            if (info == null) throw noAnswer();
            status = info.statusCode(); // the headers came, the body did not finish: judge by the status
            headers = info.headers();
            answer = "";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) throw noAnswer();
            throw new PublishException(Kind.TRANSIENT, cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + MessageText.escapeAndBound(scrub(cause.getMessage()))));
        }
        if (status / 100 == 2) {
            lastPublished = "HTTP " + status;
            memory.delivered(intent);
            return Outcome.written(lastPublished);
        }
        String message = "HTTP " + status + (answer.isEmpty() ? "" : ": " + answer)
                + (status / 100 == 3 ? " (redirects are not followed; set url to the final address)" : "");
        if (status == 401 || status == 403) throw new PublishException(Kind.CONFIGURATION, message);
        Duration retryAfter = headers.firstValue("Retry-After")
                .flatMap(v -> RetryAfter.parse(v, Instant.now())).orElse(null);
        throw new PublishException(Kind.TRANSIENT, message, retryAfter, null);
    }

    /** Never: a webhook cannot be read back, so a periodic POST would only repeat the delivery. */
    @Override
    public long resyncMillis() {
        return Long.MAX_VALUE;
    }

    private PublishException noAnswer() {
        return new PublishException(Kind.TRANSIENT, "no answer within " + config.timeout().toMillis() + "ms");
    }

    /** The first line of the receiver's answer, escaped, bounded and scrubbed. */
    private String firstLineOf(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        int eol = text.indexOf('\n');
        return MessageText.escapeAndBound(scrub(eol < 0 ? text : text.substring(0, eol).strip()));
    }

    private String scrub(String text) {
        String out = text;
        for (String secret : secrets) out = out.replace(secret, "[redacted]");
        return out;
    }

    static String displayUrl(URI url) {
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return url.getScheme() + "://" + url.getHost();
        }
    }

    private static String version() {
        String version = WebhookPublisher.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
