package dev.baton.agent.publish.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.agent.config.Secret;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A small client for the DigitalOcean API v2 (https://docs.digitalocean.com/reference/api/, OpenAPI description
 * at github.com/digitalocean/openapi), shared by {@link DigitalOceanDnsPublisher} and
 * {@link DigitalOceanFloatingIpPublisher}: JSON requests with the token in the {@code Authorization: Bearer}
 * header and nowhere else, one bounded timeout per request, pagination, and the mapping of HTTP errors onto
 * {@link PublishException} kinds.
 *
 * <p>Error mapping (shared/responses in the OpenAPI description; every error body is {@code {id, message}}):
 * 401/403 → CONFIGURATION naming the token's source; 429 → TRANSIENT with {@code retry-after} (seconds) or else
 * {@code ratelimit-reset} (Unix epoch seconds) as the retry delay; 5xx, I/O errors and timeouts → TRANSIENT;
 * any other 4xx → CONFIGURATION with the API's {@code message}.
 *
 * <p>Thread-safe (the JDK client is); every method blocks up to {@link #requestTimeout()} per request and
 * responds to interruption.
 */
public final class DigitalOceanApi implements AutoCloseable {
    /** One request, connect to last byte; DigitalOcean answers in well under a second when healthy. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A write must be answered (or given up) within the lease that let it through, so its timeout is far
     * shorter than a read's: the agent passes a share of the follower timeout (700 ms at the defaults).
     */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofMillis(700);
    /** The most the API returns per page (shared/parameters.yml {@code per_page}: maximum 200). */
    static final int PER_PAGE = 200;
    /** A bound on pages followed in one listing: 50 pages of 200 is far beyond one name's records. */
    static final int MAX_PAGES = 50;
    private static final int MAX_MESSAGE_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI apiUrl;
    private final Secret token;
    private final Duration requestTimeout;
    private final Duration writeTimeout;
    private final Clock clock;
    private final HttpClient http;

    /** Builds a client with its own JDK {@link HttpClient}; {@link #close} releases nothing but is the owner's hook. */
    public DigitalOceanApi(URI apiUrl, Secret token, Duration requestTimeout, Clock clock) {
        this(apiUrl, token, requestTimeout, requestTimeout, clock);
    }

    /**
     * @param requestTimeout the bound on a read (GET), connect included
     * @param writeTimeout   the bound on a write (POST, PUT, PATCH, DELETE), which the publishers pass to the
     *                       write gate: the lease must outlast it
     */
    public DigitalOceanApi(URI apiUrl, Secret token, Duration requestTimeout, Duration writeTimeout, Clock clock) {
        this.apiUrl = stripTrailingSlash(Objects.requireNonNull(apiUrl, "apiUrl"));
        this.token = Objects.requireNonNull(token, "token");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.writeTimeout = Objects.requireNonNull(writeTimeout, "writeTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect could carry the token elsewhere
                .build();
    }

    public DigitalOceanApi(URI apiUrl, Secret token) {
        this(apiUrl, token, DEFAULT_REQUEST_TIMEOUT, DEFAULT_WRITE_TIMEOUT, Clock.systemUTC());
    }

    /** The bound on one read. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The bound on one write, which the publishers pass to {@code WriteGate.beforeWrite}. */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** An HTTP answer: status, the parsed JSON body (an empty object when there is none) and the rate-limit headers. */
    public record Response(String method, String path, int status, JsonNode body, Optional<String> retryAfter,
                           Optional<String> rateLimitReset) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API's {@code message} (error bodies), or empty. */
        public String message() {
            return body.path("message").asText("");
        }
    }

    /** GET and require a 2xx. */
    public JsonNode get(String pathAndQuery) throws PublishException, InterruptedException {
        return orThrow(send("GET", pathAndQuery, null));
    }

    /**
     * GETs every page of a collection, following {@code links.pages.next} (shared/pages.yml), and returns the
     * items under {@code collectionKey} of all pages in order. Bounded by {@link #MAX_PAGES}.
     *
     * @param notFound what a 404 means here (e.g. the domain is not in the account), prefixed to its message
     */
    public List<JsonNode> getAllPages(String pathAndQuery, String collectionKey, String notFound)
            throws PublishException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String next = pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "per_page=" + PER_PAGE;
        for (int page = 1; next != null; page++) {
            if (page > MAX_PAGES) {
                throw new PublishException(Kind.TRANSIENT, "GET " + pathOnly(pathAndQuery) + ": more than "
                        + MAX_PAGES + " pages; giving up this attempt");
            }
            Response r = send("GET", next, null);
            if (r.status() == 404) {
                throw new PublishException(Kind.CONFIGURATION, notFound + ": " + failure(r).getMessage());
            }
            JsonNode body = orThrow(r);
            body.path(collectionKey).forEach(items::add);
            String link = body.path("links").path("pages").path("next").asText(null);
            next = link == null || link.isEmpty() ? null : sameOriginPath(link);
        }
        return items;
    }

    /** Sends a request with an optional JSON body and returns any answer; throws TRANSIENT only for I/O and timeouts. */
    public Response send(String method, String pathAndQuery, ObjectNode body)
            throws PublishException, InterruptedException {
        // The request timeout bounds the whole exchange, connect included (JDK 17: a connect hanging on a full
        // accept queue failed after the 1 s request timeout although the connect timeout was 5 s), so a request
        // the write gate let through has left or failed within requestTimeout.
        Duration timeout = "GET".equals(method) ? requestTimeout : writeTimeout;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + pathAndQuery))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token.text())
                .header("Accept", "application/json")
                .header("User-Agent", "baton");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String what = method + " " + pathOnly(pathAndQuery);
        HttpResponse<String> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new PublishException(Kind.TRANSIENT, what + ": no answer within " + timeout.toMillis()
                    + " ms", null, null);
        } catch (IOException e) {
            // The JDK's messages name the host and the failure, never a request header.
            throw new PublishException(Kind.TRANSIENT, what + ": " + redact(String.valueOf(e.getMessage()))
                    + " (" + e.getClass().getSimpleName() + ")", null, null);
        }
        return new Response(method, pathOnly(pathAndQuery), answer.statusCode(), parse(answer.body()),
                answer.headers().firstValue("retry-after"), answer.headers().firstValue("ratelimit-reset"));
    }

    /** The body of a 2xx answer; otherwise the {@link PublishException} its status maps to (class comment). */
    public JsonNode orThrow(Response r) throws PublishException {
        if (r.ok()) return r.body();
        throw failure(r);
    }

    /** The {@link PublishException} for a non-2xx answer (class comment). */
    public PublishException failure(Response r) {
        String status = r.status() + " " + reason(r.status());
        String apiMessage = redact(truncate(r.message()));
        String suffix = apiMessage.isEmpty() ? "" : ": " + apiMessage;
        if (r.status() == 401 || r.status() == 403) {
            return new PublishException(Kind.CONFIGURATION, "the API refused the token from " + token.source() + ": "
                    + status + suffix);
        }
        if (r.status() == 429) {
            return new PublishException(Kind.TRANSIENT, r.method() + " " + r.path() + ": " + status + suffix,
                    retryAfter(r).orElse(null), null);
        }
        Kind kind = r.status() >= 500 ? Kind.TRANSIENT : Kind.CONFIGURATION;
        return new PublishException(kind, r.method() + " " + r.path() + ": " + status + suffix);
    }

    /**
     * The delay a 429 asks for: {@code retry-after} in seconds (sent with the burst limit), else the time until
     * {@code ratelimit-reset} (Unix epoch seconds, when the oldest counted request expires), never negative.
     */
    Optional<Duration> retryAfter(Response r) {
        Optional<Long> seconds = r.retryAfter().flatMap(DigitalOceanApi::parseLong);
        if (seconds.isPresent()) return Optional.of(Duration.ofSeconds(Math.max(0, seconds.get())));
        return r.rateLimitReset().flatMap(DigitalOceanApi::parseLong).map(reset -> {
            long waitMillis = reset * 1000 - clock.millis();
            return Duration.ofMillis(Math.max(0, waitMillis));
        });
    }

    /**
     * The path and query of a pagination link, sent to our own {@link #apiUrl}: the token goes only to the host
     * it was configured for, whatever host a link names.
     */
    private static String sameOriginPath(String link) {
        URI uri = URI.create(link);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** Keeps the token out of text that came from elsewhere (an API message, an exception), in case one echoes it. */
    private String redact(String text) {
        String secret = token.text();
        return secret.isEmpty() ? text : text.replace(secret, "<redacted>");
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return JSON.createObjectNode();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            // A proxy's HTML error page: keep its first characters as the message.
            return JSON.createObjectNode().put("message", truncate(body.strip()));
        }
    }

    private static String truncate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_MESSAGE_CHARS ? oneLine : oneLine.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP-date retry-after: DigitalOcean documents seconds only
        }
    }

    private static URI stripTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP";
        };
    }

    /** A fresh JSON object for a request body. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    @Override
    public String toString() {
        return "DigitalOceanApi[" + apiUrl + ", token from " + token.source() + "]";
    }

    @Override
    public void close() {
        // Java 17's HttpClient has no close(); its threads end when it is unreachable.
    }
}
