package dev.baton.agent.check;

import static dev.baton.agent.check.InstanceHealth.DOWN;
import static dev.baton.agent.check.InstanceHealth.UNKNOWN;
import static dev.baton.agent.check.InstanceHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CheckRunner driving real probes against loopback servers and processes, with short intervals. */
class CheckRunnerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    record Change(String service, String instance, InstanceHealth state, ProbeResult result,
                  Optional<InstanceStatus> statusAtChange) {}

    private HttpServer server;
    private volatile int status = 200;
    private final AtomicInteger hits = new AtomicInteger();
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private CheckRunner runner;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            hits.incrementAndGet();
            PlainHttpProbeTest.respond(exchange, status, "hello");
        });
        server.start();
        // The listener reads the runner's status while being told: the next run cannot start before it returns,
        // so the counts it sees are exactly those that caused the change.
        runner = new CheckRunner((service, instance, state, result) ->
                changes.add(new Change(service, instance, state, result, runner.status(service, instance))),
                new Random(42));
    }

    @AfterEach
    void stop() {
        runner.close();
        server.stop(0);
    }

    private CheckSpec.Http httpSpec(int rise, int fall) {
        return new CheckSpec.Http(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health"),
                200, 299, Optional.of("hello"), false, TestSpecs.timing(50, 1000, rise, fall, 10));
    }

    @Test
    void reportsDownAfterFallFailuresAndUpAfterRisePasses() {
        runner.add("web", "primary", httpSpec(2, 3));

        await().atMost(PATIENCE).until(() -> changes.size() == 1);
        Change up = changes.get(0);
        assertThat(up.state()).isEqualTo(UP);
        assertThat(up.service()).isEqualTo("web");
        assertThat(up.instance()).isEqualTo("primary");
        assertThat(up.statusAtChange().orElseThrow().consecutivePasses()).isEqualTo(2);

        status = 503;
        await().atMost(PATIENCE).until(() -> changes.size() == 2);
        Change down = changes.get(1);
        assertThat(down.state()).isEqualTo(DOWN);
        assertThat(down.result().detail()).isEqualTo("HTTP 503");
        assertThat(down.statusAtChange().orElseThrow().consecutiveFailures()).isEqualTo(3);

        status = 200;
        await().atMost(PATIENCE).until(() -> changes.size() == 3);
        Change back = changes.get(2);
        assertThat(back.state()).isEqualTo(UP);
        assertThat(back.result().detail()).isEqualTo("HTTP 200");
        assertThat(back.statusAtChange().orElseThrow().consecutivePasses()).isEqualTo(2);

        InstanceStatus now = runner.snapshot().get(new InstanceKey("web", "primary"));
        assertThat(now.health()).isEqualTo(UP);
        assertThat(now.lastResult()).hasValueSatisfying(r -> assertThat(r.healthy()).isTrue());
        assertThat(now.runs()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void snapshotCoversEveryInstanceAndStartsUnknown() throws IOException {
        runner.add("web", "a", httpSpec(1000, 1000));
        runner.add("db", "b", new CheckSpec.Tcp("127.0.0.1", TestSpecs.closedPort(), TestSpecs.timing(50, 1000, 1000, 1000, 0)));
        assertThat(runner.snapshot().keySet())
                .containsExactly(new InstanceKey("db", "b"), new InstanceKey("web", "a"));

        await().atMost(PATIENCE).until(() -> runner.snapshot().values().stream().allMatch(s -> s.runs() >= 3));
        InstanceStatus db = runner.status("db", "b").orElseThrow();
        assertThat(db.health()).isEqualTo(UNKNOWN);
        assertThat(db.consecutiveFailures()).isGreaterThanOrEqualTo(3);
        assertThat(db.lastResult().orElseThrow().detail()).isEqualTo("connect refused");
        InstanceStatus web = runner.status("web", "a").orElseThrow();
        assertThat(web.consecutivePasses()).isGreaterThanOrEqualTo(3);
        assertThat(changes).isEmpty();
    }

    @Test
    void aRunStillInProgressIsSkippedNotStartedTwice(@TempDir Path dir) throws IOException {
        Path starts = dir.resolve("starts");
        // Each run appends a line, then sleeps far beyond the 50 ms interval (the 10 s timeout never comes).
        runner.add("batch", "slow", new CheckSpec.Exec(
                List.of("sh", "-c", "echo run >> " + starts + "; exec sleep 30"), TestSpecs.timing(50, 10_000, 1, 1, 0)));

        await().atMost(PATIENCE).until(() -> runner.status("batch", "slow").orElseThrow().skippedRuns() >= 5);
        assertThat(Files.readAllLines(starts)).hasSize(1);
        assertThat(runner.skippedRuns()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void anExpeditedRunHappensAtOnceOutOfScheduleAndCountsForTheThresholds() {
        runner.add("web", "a", new CheckSpec.Http(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health"),
                200, 299, Optional.of("hello"), false, TestSpecs.timing(3_600_000, 1000, 1, 1, 0)));
        assertThat(runner.status("web", "a").orElseThrow().runs()).as("the first scheduled run is far off").isZero();

        assertThat(runner.expedite("web", "a")).isTrue();
        await().atMost(PATIENCE).until(() -> changes.size() == 1);
        assertThat(changes.get(0).state()).as("rise 1: the expedited pass alone makes it up").isEqualTo(UP);
        InstanceStatus s = changes.get(0).statusAtChange().orElseThrow();
        assertThat(s.runs()).isEqualTo(1);
        assertThat(s.expeditedRuns()).isEqualTo(1);
        assertThat(hits.get()).isEqualTo(1);

        status = 503;
        await().atMost(PATIENCE).until(() -> runner.expedite("web", "a")); // once the first run has let go
        await().atMost(PATIENCE).until(() -> changes.size() == 2);
        assertThat(changes.get(1).state()).isEqualTo(DOWN);
        assertThat(runner.expedite("web", "zz")).as("not checked here").isFalse();
    }

    @Test
    void anExpeditedRunAskedForDuringARunStartsOnceThatRunCompletesNeverBesideIt(@TempDir Path dir) throws IOException {
        Path starts = dir.resolve("starts");
        Path release = dir.resolve("release");
        // Each run records its start, then waits (bounded) until the test releases it.
        runner.add("batch", "slow", new CheckSpec.Exec(List.of("sh", "-c", "echo run >> " + starts
                + "; i=0; while [ ! -e " + release + " ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done"),
                TestSpecs.timing(3_600_000, 60_000, 1, 1, 0)));
        assertThat(runner.expedite("batch", "slow")).isTrue();
        await().atMost(PATIENCE).until(() -> Files.exists(starts));
        assertThat(runner.expedite("batch", "slow")).as("queued behind the run in progress").isTrue();
        assertThat(runner.expedite("batch", "slow")).as("requests meanwhile make one run").isTrue();
        assertThat(Files.readAllLines(starts)).hasSize(1);

        Files.createFile(release);
        await().atMost(PATIENCE).until(() -> runner.status("batch", "slow").orElseThrow().runs() == 2);
        assertThat(Files.readAllLines(starts)).hasSize(2);
        assertThat(runner.status("batch", "slow").orElseThrow().expeditedRuns()).isEqualTo(2);
    }

    @Test
    void removeStopsChecking() {
        runner.add("web", "a", httpSpec(1, 1));
        await().atMost(PATIENCE).until(() -> hits.get() >= 3);
        assertThat(runner.remove("web", "a")).isTrue();
        assertThat(runner.remove("web", "a")).isFalse();
        assertThat(runner.snapshot()).isEmpty();
        int after = hits.get() + 1; // one request may have been in flight
        await().during(Duration.ofMillis(400)).atMost(PATIENCE).until(() -> hits.get() <= after);
    }

    @Test
    void closeKillsRunningChecksAndStopsTheListener(@TempDir Path dir) throws IOException {
        Path pidFile = dir.resolve("pid");
        runner.add("batch", "slow", new CheckSpec.Exec(
                List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 30"), TestSpecs.timing(50, 20_000, 1, 1, 0)));
        await().atMost(PATIENCE).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
        long pid = Long.parseLong(Files.readString(pidFile).trim());

        runner.close();
        await().atMost(PATIENCE)
                .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
        assertThat(changes).isEmpty();
        assertThatThrownBy(() -> runner.add("web", "a", httpSpec(1, 1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tcpChecksReachUp() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            runner.add("db", "main", new CheckSpec.Tcp("127.0.0.1", listening.getLocalPort(),
                    TestSpecs.timing(50, 1000, 2, 2, 10)));
            await().atMost(PATIENCE).until(() -> changes.size() == 1);
            assertThat(changes.get(0).state()).isEqualTo(UP);
            assertThat(changes.get(0).result().detail()).isEqualTo("connected");
        }
    }

    @Test
    void rejectsBadInputWithAClearMessage() {
        runner.add("web", "a", httpSpec(1, 1));
        assertThatThrownBy(() -> runner.add("web", "a", httpSpec(1, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("web/a");
        assertThatThrownBy(() -> runner.add("web", "b", new CheckSpec.Tcp("127.0.0.1", 80,
                TestSpecs.timing(0, 1000, 1, 1, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("web/b").hasMessageContaining("interval");
        assertThatThrownBy(() -> runner.add("web", "c", new CheckSpec.Tcp("127.0.0.1", 80,
                TestSpecs.timing(100, 1000, 1, 1, -5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
        assertThatThrownBy(() -> runner.add("web", "d", new CheckSpec.Http(URI.create("ftp://127.0.0.1/"), 200, 299,
                Optional.empty(), false, TestSpecs.timing(100, 1000, 1, 1, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("web/d").hasMessageContaining("ftp");
        assertThatThrownBy(() -> runner.add(" ", "e", httpSpec(1, 1))).hasMessageContaining("service");
        assertThat(runner.snapshot()).containsOnlyKeys(new InstanceKey("web", "a"));
    }
}
