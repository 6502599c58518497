package dev.baton.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.agent.browser.HeadlessChromium;
import dev.baton.agent.config.ApiConfig;
import dev.baton.agent.config.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The dashboard in headless Chromium against the real {@link ApiServer} with a stub node of a thousand services:
 * an event redraws only the row of the service it names (the others are the same DOM elements), a burst of a
 * thousand events costs one re-read of the service list rather than a thousand requests, the history keeps its
 * last hundred items, a config mismatch and a pinned service are named in banners, and a string from the API
 * that looks like markup is shown as text and never runs.
 */
class DashboardScaleTest {
    private static final int SERVICES = 1_000;
    private static final String MARKUP = "<b>bold</b><img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<String, String> active = new ConcurrentHashMap<>();
    private final AtomicInteger listReads = new AtomicInteger();
    private final AtomicInteger oneReads = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private ApiServer server;
    private HeadlessChromium chromium;

    private final NodeApi stub = new NodeApi() {
        @Override
        public Optional<Object> status(StatusQuery query) {
            Map<String, Object> summary = Map.of("services", Map.of("preferred", SERVICES, "failed_over", 0, "none", 0,
                    "undecided", 0, "pinned", List.of("svc0007"), "drained_instances", 0));
            return Optional.of(Map.of("config_digest", "aaaaaaaaaaaaaaaa", "config_digests",
                    Map.of("1", "aaaaaaaaaaaaaaaa", "3", "bbbbbbbbbbbbbbbb"), "config_mismatch", List.of(3),
                    "summary", summary));
        }

        @Override
        public Object cluster() {
            List<Object> members = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                members.add(Map.of("id", id, "address", "127.0.0.1:" + (7000 + id), "witness", id == 3, "self", id == 1,
                        "reachable", true, "last_contact_ms", 12, "leader", id == 1));
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("cluster", "scale");
            c.put("node", 1);
            c.put("leader", 1);
            c.put("term", 4);
            c.put("leading", true);
            c.put("lease_remaining_ms", 870);
            c.put("current", true);
            c.put("commit_index", 10);
            c.put("applied_index", 10);
            c.put("members", members);
            return c;
        }

        @Override
        public Object services() {
            listReads.incrementAndGet();
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) out.add(DashboardScaleTest.this.service(name(i)));
            return Map.of("services", out);
        }

        @Override
        public Optional<Object> service(String name) {
            oneReads.incrementAndGet();
            return active.containsKey(name) ? Optional.of(DashboardScaleTest.this.service(name)) : Optional.empty();
        }

        @Override
        public Optional<Object> history(HistoryQuery query) {
            return Optional.of(Map.of("items", List.of()));
        }

        @Override
        public Health health() {
            return new Health(true, Map.of("status", "ok"));
        }

        @Override
        public CompletableFuture<ActionResult> act(ActionRequest request) {
            return CompletableFuture.completedFuture(ActionResult.error(409, "not in this test"));
        }
    };

    @AfterEach
    void stop() {
        try {
            if (chromium != null) chromium.close();
        } finally {
            if (server != null) server.close();
        }
    }

    @Test
    void aThousandServicesUpdateRowByRowAndStringsStayText(@TempDir Path dir) throws Exception {
        for (int i = 0; i < SERVICES; i++) active.put(name(i), "a");
        server = new ApiServer(new ApiConfig(new HostPort("127.0.0.1", 0)), stub);
        server.start();
        chromium = HeadlessChromium.start(dir.resolve("chromium"), "dashboard-scale-chromedriver.log");
        WebDriver browser = chromium.browser();
        browser.get("http://127.0.0.1:" + server.address().getPort() + "/");
        try {
            await("a thousand rows, live").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                    count("#services tr") == SERVICES && "live".equals(browser.findElement(By.id("live")).getText()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("rows " + count("#services tr") + ", live: " + browser.findElement(By.id("live")).getText()
                    + ", error: " + browser.findElement(By.id("error")).getText(), e);
        }
        await().atMost(WAIT).until(() -> server.events().subscribers() == 1);
        assertThat(listReads).hasValue(1);

        assertThat(browser.findElement(By.id("mismatch")).getText()).contains("CONFIG MISMATCH", "node 3");
        assertThat(browser.findElement(By.id("pinned")).getText()).contains("PINNED", "svc0007");
        String reason = browser.findElement(By.cssSelector("tr[data-service='svc0001'] td.reason")).getText();
        assertThat(reason).contains(MARKUP);
        assertThat(count("tr[data-service='svc0001'] td.reason b, tr[data-service='svc0001'] td.reason img,"
                + " tr[data-service='svc0001'] td.reason script")).isZero();
        assertThat(script("return window.pwned === undefined;")).isEqualTo(true);

        script("document.querySelectorAll('#services tr').forEach(function (r) { r.batonOld = true; });");
        int oneReadsBefore = oneReads.get();
        active.put("svc0500", "b");
        publishDecision("svc0500", "b");
        await("svc0500 shows b").atMost(WAIT).until(() -> count("tr[data-service='svc0500'] .inst.active[data-instance='b']") == 1);
        assertThat(script("return Array.from(document.querySelectorAll('#services tr')).filter(function (r) {"
                + " return !r.batonOld; }).map(function (r) { return r.getAttribute('data-service'); });"))
                .as("only the row of the service the event named is redrawn").isEqualTo(List.of("svc0500"));
        assertThat(oneReads.get() - oneReadsBefore).isEqualTo(1);
        assertThat(listReads).hasValue(1);

        for (int i = 0; i < SERVICES; i++) active.put(name(i), "b");
        // A mass failover, in bursts of 200 (an event stream's queue holds 256; a client that falls further
        // behind is dropped and re-reads everything, which is not what this measures).
        for (int burst = 0; burst < 5; burst++) {
            for (int i = burst * 200; i < (burst + 1) * 200; i++) publishDecision(name(i), "b");
            long last = seq.get();
            await("the page has read event " + last).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
                    String.valueOf(last).equals(script("var li = document.querySelector('#history li');"
                            + " return li && li.getAttribute('data-seq');")));
        }
        await("every service shows b").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                count("#services .inst.active[data-instance='b']") == SERVICES);
        assertThat(server.events().droppedSubscribers()).isZero();
        assertThat(count("#services tr")).isEqualTo(SERVICES);
        assertThat(listReads.get() - 1).as("each burst re-reads the list once or twice, not each service").isBetween(5, 10);
        assertThat(oneReads.get() - oneReadsBefore).as("services re-read one by one").isLessThan(200);
        assertThat(count("#history li")).isEqualTo(100);
        chromium.screenshot("1000-services");
    }

    private Map<String, Object> service(String name) {
        String on = active.get(name);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("active", on);
        s.put("address", on.equals("a") ? "192.0.2.1" : "192.0.2.2");
        s.put("policy", "failover");
        s.put("failback", "immediate");
        s.put("instances", List.of("a", "b"));
        boolean pinned = name.equals("svc0007");
        s.put("pinned", pinned ? "a" : null);
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("drained", List.of());
        overrides.put("pinned", pinned ? "a" : null);
        overrides.put("switched_to", null);
        s.put("overrides", overrides);
        String down = on.equals("a") ? "up" : "down";
        s.put("verdicts", Map.of("1", Map.of("a", down, "b", "up"), "2", Map.of("a", down, "b", "up")));
        s.put("last_change", Map.of("instance", on, "at", "2026-01-01T00:00:00Z", "term", 4, "index", 9,
                "reason", name.equals("svc0001") ? MARKUP : "a is up (2/2 nodes)"));
        s.put("failover_budget", Map.of("detection_ms", 280, "confirmation_ms", 80, "decision_ms", 20,
                "ttl_ms", 1000, "total_ms", 1380));
        return s;
    }

    private void publishDecision(String service, String instance) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("seq", seq.incrementAndGet());
        item.put("index", 10 + seq.get());
        item.put("kind", "decision");
        item.put("at", "2026-01-01T00:00:01Z");
        item.put("service", service);
        item.put("instance", instance);
        item.put("term", 4);
        item.put("reason", "a is down (2/2 nodes)");
        item.put("evidence", Map.of());
        server.events().publish("history", item);
    }

    private static String name(int i) {
        return String.format("svc%04d", i);
    }

    private long count(String css) {
        return chromium.browser().findElements(By.cssSelector(css)).size();
    }

    private Object script(String js) {
        return ((JavascriptExecutor) chromium.browser()).executeScript(js);
    }
}
