package dev.baton.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.baton.agent.config.ApiConfig;
import dev.baton.agent.decision.OperatorAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP API every node serves on {@code api.listen} (HTTPS with {@code api.tls}), on the JDK's HTTP server:
 * <pre>
 * GET  /v1/status /v1/cluster /v1/services /v1/services/{name} /v1/history /v1/health /v1/events
 * POST /v1/services/{name}/{switch|drain|undrain|pin|unpin|approve-failback}
 * </pre>
 * and the dashboard at {@code GET /} ({@link DashboardPage}). JSON everywhere except the event stream and the
 * dashboard; errors are {@code {"error": "..."}} with 400 bad input, 401 no or
 * wrong token, 404 unknown service, instance or path, 405 wrong method, 409 refused by a rule, 503 no leader or
 * not current. Every POST needs {@code Authorization: Bearer <api.token_file>} when a token is configured; a
 * call without it gets 401 before its body is read, and changes nothing. Other handlers ({@code /metrics})
 * are added with {@link #addContext} before {@link #start}.
 *
 * <p>Threads: a pool of {@link #REQUEST_THREADS} plus one per event-stream subscriber (at most
 * {@link EventStream#MAX_SUBSCRIBERS}), so streams never starve plain requests.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Threads for plain requests, beside the event streams'. */
    static final int REQUEST_THREADS = 4;
    /** A mutating call's body is a few dozen bytes. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** How long a mutating call waits for its outcome beyond what {@link NodeApi#act} promises. */
    static final long ACT_TIMEOUT_MILLIS = 30_000;
    /** An idle event stream gets a comment this often, so a dead client is noticed and proxies keep it open. */
    static final long KEEPALIVE_MILLIS = 15_000;
    /** The JDK server's switch for TCP_NODELAY on accepted connections; read once, when its first server starts. */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and body as two segments. With Nagle's algorithm on, the body
        // waits for the client to acknowledge the headers, and a Linux client delays that ACK by up to 40 ms: every
        // small response on a kept-alive connection took ~44 ms (issue 8: /v1/status at 1,000 services). An operator's
        // explicit -D setting wins.
        if (System.getProperty(NODELAY_PROPERTY) == null) System.setProperty(NODELAY_PROPERTY, "true");
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final NodeApi node;
    private final BearerToken token;
    private final EventStream events = new EventStream();

    /**
     * Binds {@code config.listen()} (port 0: any free port) and builds TLS from {@code config.tls()} when given;
     * serves nothing until {@link #start}.
     *
     * @throws IOException when the port cannot be bound or the TLS files are unusable (the message names them)
     */
    public ApiServer(ApiConfig config, NodeApi node) throws IOException {
        this.node = node;
        this.token = new BearerToken(config.token());
        InetSocketAddress listen = new InetSocketAddress(config.listen().host(), config.listen().port());
        if (config.tls().isPresent()) {
            HttpsServer https = HttpsServer.create(listen, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(
                    PemTls.context(config.tls().get().certFile(), config.tls().get().keyFile())));
            server = https;
        } else {
            server = HttpServer.create(listen, 64);
        }
        int threads = REQUEST_THREADS + EventStream.MAX_SUBSCRIBERS;
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "baton-api");
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        route("/v1/status", this::status);
        route("/v1/cluster", ex -> getOnly(ex, () -> ok(ex, node.cluster())));
        route("/v1/services", this::services);
        route("/v1/history", this::history);
        route("/v1/health", this::health);
        server.createContext("/v1/events", this::events);
        route("/", new DashboardPage()::handle);
    }

    /**
     * Serves {@code path} (and everything below it) with {@code handler}, replacing what served it: how
     * {@code /metrics} joins the API. Call before {@link #start}.
     */
    public void addContext(String path, HttpHandler handler) {
        try {
            server.removeContext(path);
        } catch (IllegalArgumentException e) {
            // nothing served it yet
        }
        server.createContext(path, handler);
    }

    /** Where applied decisions, actions and leader changes are published for {@code /v1/events}. */
    public EventStream events() {
        return events;
    }

    public void start() {
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Whether this server speaks HTTPS. */
    public boolean tls() {
        return server instanceof HttpsServer;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ handlers

    private void status(HttpExchange ex) throws IOException {
        getOnly(ex, () -> {
            StatusQuery query = StatusQuery.parse(ex.getRequestURI().getRawQuery());
            okOrNoService(ex, node.status(query), query.service().orElse(""));
        });
    }

    private void history(HttpExchange ex) throws IOException {
        getOnly(ex, () -> {
            HistoryQuery query = HistoryQuery.parse(ex.getRequestURI().getRawQuery());
            okOrNoService(ex, node.history(query), query.service().orElse(""));
        });
    }

    private void health(HttpExchange ex) throws IOException {
        getOnly(ex, () -> {
            NodeApi.Health health = node.health();
            send(ex, health.serving() ? 200 : 503, JSON.writeValueAsString(health.document()));
        });
    }

    /** {@code /v1/services}, {@code /v1/services/{name}} and {@code POST /v1/services/{name}/{action}}. */
    private void services(HttpExchange ex) throws IOException {
        String rest = ex.getRequestURI().getRawPath().substring("/v1/services".length());
        if (rest.isEmpty() || rest.equals("/")) {
            getOnly(ex, () -> ok(ex, node.services()));
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        String name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        if (parts.length == 1) {
            getOnly(ex, () -> okOrNoService(ex, node.service(name), name));
            return;
        }
        if (parts.length != 2) {
            send(ex, 404, error("no such endpoint " + ex.getRequestURI().getPath()));
            return;
        }
        OperatorAction.Kind kind;
        try {
            kind = OperatorAction.Kind.fromWireName(parts[1]);
        } catch (IllegalArgumentException e) {
            send(ex, 404, error("no such action \"" + parts[1] + "\"; one of switch, drain, undrain, pin, unpin,"
                    + " approve-failback"));
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "POST");
            send(ex, 405, error(kind.wireName() + " takes POST"));
            return;
        }
        if (!token.allows(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            send(ex, 401, error("missing or wrong bearer token (Authorization: Bearer <api.token_file>)"));
            return;
        }
        ActionRequest request;
        try {
            request = parseAction(kind, name, readBody(ex), ex.getRemoteAddress().getAddress().getHostAddress());
        } catch (IllegalArgumentException e) {
            send(ex, 400, error(e.getMessage()));
            return;
        }
        ActionResult result;
        try {
            result = node.act(request).get(ACT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            result = ActionResult.error(503, "no outcome within " + ACT_TIMEOUT_MILLIS / 1000 + "s; check baton history");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = ActionResult.error(503, "interrupted");
        }
        send(ex, result.status(), JSON.writeValueAsString(result.body()));
    }

    /** The body of a mutating call: {@code {"instance": "b", "force": false}}, as its kind needs. */
    static ActionRequest parseAction(OperatorAction.Kind kind, String service, byte[] body, String client) {
        JsonNode root;
        if (body.length == 0) {
            root = JSON.createObjectNode();
        } else {
            try {
                root = JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("the body is not JSON");
            }
            if (root == null || !root.isObject()) throw new IllegalArgumentException("the body must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            boolean known = field.equals("instance") && kind.namesInstance()
                    || field.equals("force") && (kind == OperatorAction.Kind.SWITCH || kind == OperatorAction.Kind.PIN);
            if (!known) throw new IllegalArgumentException(kind.wireName() + " takes no \"" + field + "\"");
        }
        String instance = null;
        if (kind.namesInstance()) {
            JsonNode i = root.get("instance");
            if (i == null || !i.isTextual() || i.textValue().isBlank()) {
                throw new IllegalArgumentException(kind.wireName() + " needs {\"instance\": \"NAME\"}");
            }
            instance = i.textValue();
        }
        JsonNode force = root.get("force");
        if (force != null && !force.isBoolean()) throw new IllegalArgumentException("\"force\" must be true or false");
        return new ActionRequest(kind, service, instance, force != null && force.booleanValue(), client);
    }

    private void events(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, error("only GET is allowed"));
                return;
            }
            EventStream.Subscriber subscriber = events.subscribe();
            if (subscriber == null) {
                send(ex, 503, error(EventStream.MAX_SUBSCRIBERS + " event streams are open; try again later"));
                return;
            }
            try {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.getResponseHeaders().set("Cache-Control", "no-cache");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                out.write(": baton events\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                while (!subscriber.dropped()) {
                    String frame = subscriber.next(KEEPALIVE_MILLIS);
                    out.write((frame == null ? ": keepalive\n\n" : frame).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                events.unsubscribe(subscriber);
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Body {
        void run() throws IOException;
    }

    /** Registers {@code handler}, with bad input answered 400 and any other failure 500 (logged, not leaked). */
    private void route(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            try (ex) {
                try {
                    handler.handle(ex);
                } catch (IllegalArgumentException e) {
                    send(ex, 400, error(e.getMessage()));
                } catch (RuntimeException e) {
                    LOG.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
                    send(ex, 500, error("internal error; see the node's log"));
                }
            }
        });
    }

    private static void getOnly(HttpExchange ex, Body body) throws IOException {
        if (!"GET".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "GET");
            send(ex, 405, error("only GET is allowed"));
            return;
        }
        body.run();
    }

    /** The document, or 404 naming the service asked for when there is none. */
    private static void okOrNoService(HttpExchange ex, Optional<Object> document, String service) throws IOException {
        if (document.isEmpty()) send(ex, 404, error("no service named " + service));
        else ok(ex, document.get());
    }

    private static void ok(HttpExchange ex, Object document) throws IOException {
        send(ex, 200, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
    }

    static String error(String message) throws JsonProcessingException {
        return JSON.writeValueAsString(Map.of("error", message));
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) throw new IllegalArgumentException("the body is larger than 64 KiB");
            return body;
        }
    }

    static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
