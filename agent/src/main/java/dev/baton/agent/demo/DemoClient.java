package dev.baton.agent.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A client of the demo's service, as an application would be: every 50 ms it resolves the service's name
 * through the Baton nodes' DNS servers (the next one when a server fails or refuses, like a resolver with
 * several name servers) and calls the instance it got. A call that fails is retried, re-resolving, for up to
 * two seconds; only a request that never succeeds counts as failed.
 */
final class DemoClient implements AutoCloseable {
    static final long PERIOD_MILLIS = 50;
    static final long REQUEST_DEADLINE_MILLIS = 2_000;

    private final List<DnsProbe> resolvers;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
    private final BiConsumer<String, Long> served;
    private final Thread thread;
    private volatile boolean running = true;
    final AtomicLong requests = new AtomicLong();
    /** Requests that needed more than one attempt (and then succeeded or failed). */
    final AtomicLong retried = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    /** {@code served} is told, for each successful request, which instance answered and when (nanoTime). */
    DemoClient(List<DnsProbe> resolvers, int port, BiConsumer<String, Long> served) {
        this.resolvers = resolvers;
        this.port = port;
        this.served = served;
        this.thread = new Thread(this::run, "demo-client");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            request();
            next += PERIOD_MILLIS * 1_000_000;
            long sleep = (next - System.nanoTime()) / 1_000_000;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private void request() {
        requests.incrementAndGet();
        long deadline = System.nanoTime() + REQUEST_DEADLINE_MILLIS * 1_000_000;
        int attempts = 0;
        while (running && System.nanoTime() < deadline) {
            if (++attempts == 2) retried.incrementAndGet(); // count requests that needed a retry, once each
            String address = resolve();
            if (address != null) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/"))
                            .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        served.accept(r.body(), System.nanoTime());
                        return;
                    }
                } catch (IOException e) {
                    // the instance is gone: re-resolve and retry
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (running) failed.incrementAndGet();
    }

    private String resolve() {
        for (DnsProbe r : resolvers) {
            String answer = r.ask();
            if (DnsProbe.isAddress(answer)) return answer;
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
