package dev.baton.agent.check;

import static dev.baton.agent.check.TestSpecs.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ExecProbe with real processes. */
class ExecProbeTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private ProbeResult probe(CheckSpec.Exec spec) {
        return new ExecProbe(spec, executor).run().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void exitZeroIsHealthy() {
        ProbeResult result = probe(exec(5000, "true"));
        assertThat(result.healthy()).isTrue();
        assertThat(result.detail()).isEqualTo("exit 0");
    }

    @Test
    void nonZeroExitIsUnhealthy() {
        ProbeResult result = probe(exec(5000, "false"));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("exit 1");
    }

    @Test
    void argumentsArePassedWithoutAShell() {
        assertThat(probe(exec(5000, "sh", "-c", "exit 3")).detail()).isEqualTo("exit 3");
        assertThat(probe(exec(5000, "test", "a b", "=", "a b")).healthy()).as("spaces stay in one argument").isTrue();
    }

    @Test
    void theScriptSeesNoSecretOfTheAgentsEnvironment() {
        java.util.Map<String, String> agent = java.util.Map.of("BATON_CLUSTER_KEY", "00112233", "DIGITALOCEAN_TOKEN",
                "dop_v1_secret", "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "LANG", "C.UTF-8");
        ProbeResult result = new ExecProbe(exec(5000, "sh", "-c",
                "echo \"key=${BATON_CLUSTER_KEY:-none} token=${DIGITALOCEAN_TOKEN:-none} lang=$LANG\"; exit 2"),
                executor, agent).run().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(result.detail()).isEqualTo("exit 2: key=none token=none lang=C.UTF-8");
    }

    @Test
    void theFirstLineOfItsOutputIsTheReasonBoundedAndEscaped() {
        assertThat(probe(exec(5000, "sh", "-c", "echo; echo 'disk /var is 97% full'; echo more; exit 1")).detail())
                .isEqualTo("exit 1: disk /var is 97% full");
        assertThat(probe(exec(5000, "sh", "-c", "echo 'no replica' >&2; exit 3")).detail())
                .as("standard error counts too").isEqualTo("exit 3: no replica");
        assertThat(probe(exec(5000, "sh", "-c", "printf 'red \\033[31m\\ttab\\n'; exit 1")).detail())
                .isEqualTo("exit 1: red \\x1b[31m\\ttab");
        String longLine = probe(exec(5000, "sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x; exit 1")).detail();
        assertThat(longLine).startsWith("exit 1: xxx").hasSizeLessThanOrEqualTo("exit 1: ".length() + 201);
        assertThat(probe(exec(5000, "sh", "-c", "yes | head -c 2000000")).healthy())
                .as("a chatty healthy check never blocks on a full pipe").isTrue();
        assertThat(probe(exec(5000, "sh", "-c", "echo fine")).detail()).isEqualTo("exit 0");
    }

    @Test
    void timeoutKillsTheProcess() {
        String marker = "5.0" + System.nanoTime() % 1000; // unique argument to find our sleep among processes
        ProbeResult result = probe(exec(200, "sleep", marker));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("timeout after 200ms");
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.current().descendants()
                .noneMatch(p -> p.isAlive() && Arrays.asList(p.info().arguments().orElse(new String[0])).contains(marker)));
    }

    @Test
    void timeoutKillsTheWholeProcessTree(@TempDir Path dir) throws IOException {
        Path pidFile = dir.resolve("child.pid");
        // sh forks a sleep and waits for it: killing only sh would leave the sleep running.
        ProbeResult result = probe(exec(500, "sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait"));
        assertThat(result.detail()).isEqualTo("timeout after 500ms");
        long childPid = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
    }

    @Test
    void missingCommandIsReportedNotThrown() {
        ProbeResult result = probe(exec(2000, "/nonexistent/baton-check-command"));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).startsWith("cannot start /nonexistent/baton-check-command");
    }

    @Test
    void cancellingARunKillsItsProcess(@TempDir Path dir) throws IOException {
        Path pidFile = dir.resolve("self.pid");
        var run = new ExecProbe(exec(30_000, "sh", "-c", "echo $$ > " + pidFile + "; exec sleep 30"), executor).run();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        run.cancel(true);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
    }
}
