package dev.baton.agent.demo;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** One instance of the demo's service: answers {@code /} with its name and {@code /health} with 200. */
public final class DemoBackend implements AutoCloseable {
    /** The JDK server's cap on idle kept-alive connections (default 200); read once, when its first server starts. */
    static final String MAX_IDLE_CONNECTIONS_PROPERTY = "sun.net.httpserver.maxIdleConnections";

    static {
        // One backend stands in for the hosts of many instances (the tests and benches check a thousand services'
        // instances on it from three nodes): past 200 idle connections the JDK server closed the checkers' kept-alive
        // connections, so most checks reconnected, which no fleet of real hosts makes them do (issue 8). And, as
        // the API server does, no Nagle delay between a response's headers and its body.
        if (System.getProperty(MAX_IDLE_CONNECTIONS_PROPERTY) == null) {
            System.setProperty(MAX_IDLE_CONNECTIONS_PROPERTY, "20000");
        }
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String name;
    private final InetSocketAddress address;
    private HttpServer server;
    private ExecutorService executor;

    public DemoBackend(String name, InetSocketAddress address) {
        this.name = name;
        this.address = address;
    }

    public synchronized void start() throws IOException {
        if (server != null) return;
        server = HttpServer.create(address, 64);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-backend-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = (exchange.getRequestURI().getPath().equals("/health") ? "ok" : name)
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** Stops at once: connections are refused from now on, as when the instance dies. */
    public synchronized void stop() {
        if (server == null) return;
        server.stop(0);
        executor.shutdownNow();
        server = null;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        stop();
    }
}
