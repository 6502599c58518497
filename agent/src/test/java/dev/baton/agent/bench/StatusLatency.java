package dev.baton.agent.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * Times {@code GET /v1/status} requests against a running node, one after another on one kept-alive connection
 * (so the figure is the node's, not a client's start-up), after a few unmeasured warm-up requests.
 *
 * @param medianMicros the median request's round trip
 * @param p99Micros    the 99th percentile's
 * @param bytes        the size of the last response body
 */
record StatusLatency(String query, int requests, long medianMicros, long p99Micros, int bytes) {
    static final int WARM_UP = 10;

    /** Sends {@link #WARM_UP} + {@code requests} requests of {@code /v1/status + query}; throws on a non-200. */
    static StatusLatency measure(int apiPort, String query, int requests) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/status" + query))
                .timeout(Duration.ofSeconds(30)).GET().build();
        long[] micros = new long[requests];
        int bytes = 0;
        for (int i = -WARM_UP; i < requests; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            long elapsed = (System.nanoTime() - t) / 1_000;
            if (r.statusCode() != 200) throw new IOException("/v1/status" + query + " answered " + r.statusCode());
            bytes = r.body().length();
            if (i >= 0) micros[i] = elapsed;
        }
        Arrays.sort(micros);
        return new StatusLatency(query, requests, BenchSupport.percentile(micros, 50), BenchSupport.percentile(micros, 99), bytes);
    }

    /** "| ?service=s0000 | 100 | 3.1 | 7.9 | 1,234 |": a row of the bench's status table, in milliseconds. */
    String row() {
        return String.format("| `%s` | %d | %.1f | %.1f | %,d |", query.isEmpty() ? "(all)" : query, requests,
                medianMicros / 1000.0, p99Micros / 1000.0, bytes);
    }

    static String header() {
        return "| /v1/status | requests | median (ms) | p99 (ms) | bytes |\n|---|---|---|---|---|";
    }
}
