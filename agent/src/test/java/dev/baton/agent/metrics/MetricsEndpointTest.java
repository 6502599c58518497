package dev.baton.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.agent.config.ConfigFixture;
import dev.baton.agent.config.ConfigLoader;
import dev.baton.agent.demo.DemoBackend;
import dev.baton.agent.demo.LoopbackClusterFiles;
import dev.baton.agent.runtime.AgentNode;
import dev.baton.election.transport.DropReason;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@code GET /metrics} of a real running node (one member, in process, on loopback), parsed with the strict
 * exposition parser of the test tree: the cluster, checks, verdicts, decisions, overrides, DNS, transport,
 * publishers and JVM families are there with the right types and labels, agree with {@code /v1/status}, and move
 * when the node works (a check runs, a DNS query is answered).
 */
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private AgentNode node;
    private DemoBackend backend;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
        if (backend != null) backend.close();
    }

    @Test
    void aRunningNodeServesItsStateInThePrometheusTextFormat(@TempDir Path dir) throws Exception {
        // Instance a serves HTTP (up); b on 127.0.0.2 at the same port is refused (down).
        int port = LoopbackClusterFiles.freePort();
        backend = new DemoBackend("a", new InetSocketAddress("127.0.0.1", port));
        backend.start();
        Path config = new ConfigFixture(dir).write(ConfigFixture.loneNode("metrics", "metrics.test.") + """
                services:
                  - name: web
                    check: {http: "http://{address}:%d/health", interval: 100ms, rise: 1, fall: 1}
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1}
                      - {name: b, address: 127.0.0.2, priority: 2}
                    publish:
                      - exec: {command: ["/bin/true"], timeout: 5s}
                """.formatted(port));
        node = AgentNode.start(new ConfigLoader().load(config));
        await("web decided for a").atMost(SETTLE).until(() -> "a".equals(activeOf(node.status())));

        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        PrometheusText first = PrometheusText.parse(response.body());

        // Conventions: Baton's families start with baton_, counters end in _total, no unit but base units.
        first.families().forEach((name, family) -> {
            if (family.type().equals("counter")) assertThat(name).as("counter " + name).endsWith("_total");
            assertThat(name).doesNotContain("millis").doesNotContain("milliseconds");
        });
        assertThat(first.families().keySet()).filteredOn(n -> !n.startsWith("jvm_") && !n.startsWith("process_")
                && !n.startsWith("system_")).allMatch(n -> n.startsWith("baton_"));

        // The cluster agrees with /v1/status.
        Map<String, Object> status = node.status();
        assertThat(first.value("baton_term")).isEqualTo(((Number) status.get("term")).doubleValue());
        assertThat(first.value("baton_leading")).isEqualTo(1);
        assertThat(first.value("baton_leader_node")).isEqualTo(1);
        assertThat(first.value("baton_current")).isEqualTo(1);
        assertThat(first.value("baton_lease_remaining_seconds")).isPositive();
        assertThat(first.value("baton_elections_won_total")).isGreaterThanOrEqualTo(1);
        assertThat(first.value("baton_applied_index")).isPositive();
        assertThat(first.value("baton_config_mismatch", "node", "1")).isZero();
        for (DropReason reason : DropReason.values()) {
            assertThat(first.find("baton_transport_dropped_total", "reason", reason.name().toLowerCase(Locale.ROOT)))
                    .as(reason.name()).isPresent();
        }
        assertThat(type(first, "baton_transport_dropped_total")).isEqualTo("counter");

        // This node's checks of each instance, and the verdicts and decision the service rests on.
        assertThat(first.value("baton_check_state", "service", "web", "instance", "a", "node", "1")).isEqualTo(1);
        assertThat(first.value("baton_check_state", "service", "web", "instance", "b", "node", "1")).isEqualTo(0);
        assertThat(first.value("baton_check_results_total", "service", "web", "instance", "b", "node", "1",
                "result", "fail")).isPositive();
        assertThat(type(first, "baton_check_results_total")).isEqualTo("counter");
        assertThat(type(first, "baton_check_duration_seconds")).isEqualTo("summary");
        assertThat(first.value("baton_check_duration_seconds_count", "service", "web", "instance", "a", "node", "1"))
                .isPositive();
        assertThat(first.value("baton_verdict", "service", "web", "instance", "a", "node", "1")).isEqualTo(1);
        assertThat(first.value("baton_active", "service", "web", "instance", "a")).isEqualTo(1);
        assertThat(first.value("baton_active", "service", "web", "instance", "b")).isEqualTo(0);
        assertThat(first.value("baton_decisions_total", "service", "web")).isGreaterThanOrEqualTo(1);
        // No overrides on this node: the families are there, all 0.
        assertThat(first.value("baton_override_pinned", "service", "web", "instance", "a")).isZero();
        assertThat(first.value("baton_override_drained", "service", "web", "instance", "b")).isZero();

        // JVM: memory, GC, threads, CPU.
        assertThat(first.samples("jvm_memory_used_bytes")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels()).containsKeys("area", "id"));
        assertThat(first.families().keySet()).anyMatch(n -> n.startsWith("jvm_gc_"));
        assertThat(first.value("jvm_threads_live_threads")).isPositive();
        assertThat(first.value("system_cpu_count")).isPositive();

        // Work moves the counters: check runs, and a DNS query answered NOERROR and timed.
        double passesBefore = passes(first);
        double noErrorBefore = first.value("baton_dns_responses_total", "rcode", "NOERROR");
        double timedBefore = first.value("baton_dns_answer_duration_seconds_count");
        Message answer = query("web.metrics.test.");
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        await("a check of a ran again and the query was counted").atMost(SETTLE).untilAsserted(() -> {
            PrometheusText later = PrometheusText.parse(get("/metrics").body());
            assertThat(passes(later)).isGreaterThan(passesBefore);
            assertThat(later.value("baton_dns_responses_total", "rcode", "NOERROR")).isGreaterThanOrEqualTo(noErrorBefore + 1);
            assertThat(later.value("baton_dns_answer_duration_seconds_count")).isGreaterThanOrEqualTo(timedBefore + 1);
            assertThat(type(later, "baton_dns_answer_duration_seconds")).isEqualTo("histogram");
            assertThat(later.find("baton_dns_answer_duration_seconds_bucket", "le", "+Inf")).isPresent();
            // The exec hook published a: one publisher, in sync; every state has its series.
            assertThat(later.value("baton_publishers", "service", "web", "state", "in_sync")).isEqualTo(1);
            assertThat(later.samples("baton_publishers")).hasSize(6)
                    .extracting(s -> s.value()).containsOnly(0.0, 1.0);
        });
    }

    private static double passes(PrometheusText text) {
        return text.value("baton_check_results_total", "service", "web", "instance", "a", "node", "1", "result", "pass");
    }

    private static String type(PrometheusText text, String family) {
        return text.family(family).orElseThrow(() -> new AssertionError("no family " + family)).type();
    }

    @SuppressWarnings("unchecked")
    private static String activeOf(Map<String, Object> status) {
        for (Map<String, Object> service : (java.util.List<Map<String, Object>>) status.get("services")) {
            if ("web".equals(service.get("name"))) return (String) service.get("active");
        }
        return null;
    }

    private Message query(String name) throws Exception {
        InetSocketAddress dns = node.dnsAddresses().get(0);
        SimpleResolver resolver = new SimpleResolver(dns);
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, org.xbill.DNS.DClass.IN)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiAddress().getPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
