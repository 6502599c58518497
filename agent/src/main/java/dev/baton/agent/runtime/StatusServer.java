package dev.baton.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The read-only JSON status endpoint every node serves on {@code api.listen}: {@code GET /v1/status}, with the
 * query parameters {@code service} (one service), {@code offset} and {@code limit} (a page of services). The
 * JDK's HTTP server on two threads: it is for operators and {@code baton status}, not for load.
 */
final class StatusServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    StatusServer(InetSocketAddress listen, Function<StatusQuery, Object> status) throws IOException {
        server = HttpServer.create(listen, 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "baton-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/status", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    send(exchange, 405, "{\"error\":\"only GET is allowed\"}");
                    return;
                }
                StatusQuery query;
                try {
                    query = StatusQuery.parse(exchange.getRequestURI().getRawQuery());
                } catch (IllegalArgumentException e) {
                    send(exchange, 400, JSON.writeValueAsString(java.util.Map.of("error", e.getMessage())));
                    return;
                }
                Object document = status.apply(query);
                if (document == null) {
                    send(exchange, 404, JSON.writeValueAsString(java.util.Map.of("error", "no service named "
                            + query.service().orElse(""))));
                    return;
                }
                send(exchange, 200, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
            } catch (RuntimeException e) {
                LOG.warn("status request failed", e);
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                send(exchange, 404, "{\"error\":\"not found; try /v1/status\"}");
            }
        });
    }

    /** Serves {@code GET /metrics}: {@code scrape} in the Prometheus text format. Call before {@link #start()}. */
    void serveMetrics(java.util.function.Supplier<String> scrape) {
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    send(exchange, 405, "{\"error\":\"only GET is allowed\"}");
                    return;
                }
                byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", dev.baton.agent.metrics.BatonMetrics.CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (RuntimeException e) {
                LOG.warn("metrics request failed", e);
            }
        });
    }

    void start() {
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void send(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
