package dev.baton.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.browser.HeadlessChromium;
import dev.baton.agent.demo.LoopbackClusterFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;

/**
 * The dashboard at {@code /} in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven
 * by Selenium), against three real agent processes ({@link AgentCluster}, node 3 a witness) with an API token.
 * It sees the active instance, the primary's backend is killed, and it sees the new active instance and the new
 * history entry appear without a reload; then the operator switches back through the page's action panel,
 * entering the token in its prompt (first a wrong one: the 401 is shown). Screenshots are left in
 * {@code target/dashboard-*.png}.
 *
 * <p>Nothing leaves the machine: the driver and the browser are given by path (Selenium Manager never runs), the
 * browser's background networking is off, and the page fetches only from the node that served it.
 */
class DashboardBrowserTest {
    private static final String TOKEN = "dashboard-token-0123456789";
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final Duration CHANGE = Duration.ofSeconds(45);
    private static final int PAGE_NODE = 2;

    private AgentCluster cluster;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @AfterEach
    void stop() throws IOException {
        try {
            if (chromium != null) chromium.close();
        } finally {
            if (cluster != null) cluster.closeKeepingLogs(getClass());
        }
    }

    @Test
    void theDashboardShowsAFailoverAndItsHistoryLiveAndSwitchesBackWithTheToken(@TempDir Path dir) throws Exception {
        HeadlessChromium.requireInstalled();
        cluster = AgentCluster.write(dir, DashboardBrowserTest::services);
        LoopbackClusterFiles.requireApiToken(dir, TOKEN);
        cluster.primary().start();
        cluster.backup().start();
        cluster.startAll();
        awaitSettled();

        chromium = HeadlessChromium.start(dir.resolve("chromium"), "dashboard-chromedriver.log");
        browser = chromium.browser();
        browser.get("http://127.0.0.1:" + cluster.node(PAGE_NODE).apiPort() + "/");
        await("the page is live and shows web on a").atMost(CHANGE).pollInterval(Duration.ofMillis(200)).until(() ->
                text("live").equals("live") && "a".equals(active("web")));
        assertThat(text("leader")).matches("node [123]");
        assertThat(text("budget")).contains("detection", "TTL");
        assertThat(browser.findElement(By.cssSelector("tr[data-service='web'] td:nth-child(4)")).getText()).startsWith("≤");
        script("window.batonMark = 'loaded once';");

        cluster.primary().stop();
        await("the page shows web on b and the decision in its history").atMost(CHANGE)
                .pollInterval(Duration.ofMillis(200)).until(() -> "b".equals(active("web"))
                        && historyShows("web → b"));
        assertThat(script("return window.batonMark;")).as("the page was not reloaded").isEqualTo("loaded once");
        chromium.screenshot("failover");

        cluster.primary().start();
        await("every node's own check sees a up again").atMost(CHANGE).pollInterval(Duration.ofMillis(200)).until(() ->
                allNodes().stream().allMatch(n -> cluster.service(n, "web")
                        .map(s -> s.path("local_checks").path("a").asText().equals("up")).orElse(false)));
        assertThat(active("web")).as("failback: manual keeps web on b").isEqualTo("b");

        browser.findElement(By.cssSelector("tr[data-service='web'] button[data-act]")).click();
        browser.findElement(By.cssSelector("#panel-instance option[value='a']")).click();
        clickSwitchAnswering("wrong-token");
        await("the refusal is shown").atMost(CHANGE).until(() -> text("panel-result").startsWith("HTTP 401"));
        assertThat(active("web")).isEqualTo("b");

        // The right token; a refusal only for health (checks flapping on a loaded machine) is retried.
        await("the switch back to a is accepted").atMost(CHANGE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String before = text("panel-result");
            if (before.startsWith("switch: ")) return true;
            if (!before.startsWith("HTTP") && !before.isEmpty() && !before.startsWith("cancelled")) return false;
            clickSwitchAnswering(TOKEN);
            await().atMost(CHANGE).until(() -> !text("panel-result").contains("waiting for the cluster"));
            String after = text("panel-result");
            if (after.startsWith("switch: ")) return true;
            if (after.contains("not seen healthy") || after.startsWith("HTTP 503")) return false;
            throw new AssertionError("switch refused: " + after);
        });
        await("the page shows web on a, the action and the decision").atMost(CHANGE).pollInterval(Duration.ofMillis(200))
                .until(() -> "a".equals(active("web")) && historyShows("web: switch a") && historyShows("web → a"));
        assertThat(browser.findElement(By.cssSelector("tr[data-service='web']")).getText()).contains("switched to a");
        assertThat(script("return window.batonMark;")).as("the page was not reloaded").isEqualTo("loaded once");
        chromium.screenshot("switch");
    }

    private static String services(int node, int port, Path dir) {
        String timing = "interval: 300ms, timeout: 300ms, rise: 2, fall: 2";
        return "services:\n" + AgentCluster.serviceAB("web", "failback: manual", port, timing)
                + AgentCluster.serviceAB("mail", "failback: immediate", port, timing);
    }

    /** Clicks "switch" and answers the token prompt, if the page asks, with {@code token}. */
    private void clickSwitchAnswering(String token) {
        script("document.getElementById('panel-result').textContent = '';");
        browser.findElement(By.cssSelector("#panel button[data-action='switch']")).click();
        // Either the page asks for the token, or it has it from this tab's session and sends at once.
        Optional<Alert> prompt = await("the token prompt or the request").atMost(Duration.ofSeconds(10))
                .until(this::alert, a -> a.isPresent() || !text("panel-result").isEmpty());
        prompt.ifPresent(a -> {
            a.sendKeys(token);
            a.accept();
        });
    }

    private Optional<Alert> alert() {
        try {
            return Optional.of(browser.switchTo().alert());
        } catch (NoAlertPresentException e) {
            return Optional.empty();
        }
    }

    // Read in one script call, not element by element: the page redraws rows and lists live, so an element found
    // by one WebDriver call may be gone (stale) by the next.

    private String text(String id) {
        Object text = script("var e = document.getElementById(arguments[0]); return e ? e.innerText : '';", id);
        return String.valueOf(text).strip();
    }

    /** The instance the page marks active for {@code service}, or null. */
    private String active(String service) {
        Object instance = script("var e = document.querySelector(\"tr[data-service='\" + arguments[0]"
                + " + \"'] .inst.active\"); return e ? e.getAttribute('data-instance') : null;", service);
        return instance == null ? null : instance.toString();
    }

    private boolean historyShows(String what) {
        return Boolean.TRUE.equals(script("var what = arguments[0];"
                + " return Array.from(document.querySelectorAll('#history li .what'))"
                + ".some(function (e) { return e.innerText.startsWith(what); });", what));
    }

    private Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    private void awaitSettled() {
        await("a leader, every node current, every service decided everywhere, a and b up").atMost(SETTLE)
                .pollInterval(Duration.ofMillis(200)).until(() -> allNodes().stream().allMatch(n -> {
                    Optional<JsonNode> s = cluster.status(n);
                    return s.isPresent() && s.get().path("leader").asInt() != 0 && s.get().path("current").asBoolean()
                            && s.get().path("summary").path("services").path("undecided").asInt() == 0
                            && AgentCluster.service(s.get(), "web").map(w -> w.path("local_checks").path("a").asText()
                            .equals("up") && w.path("local_checks").path("b").asText().equals("up")).orElse(false);
                }));
    }

    private static List<Integer> allNodes() {
        return IntStream.rangeClosed(1, AgentCluster.SIZE).boxed().toList();
    }
}
