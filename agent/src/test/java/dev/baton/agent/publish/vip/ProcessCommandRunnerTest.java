package dev.baton.agent.publish.vip;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner("/usr/bin:/bin");

    @Test
    void passesOnlyPathAndLocaleNeverTheAgentsEnvironment() throws Exception {
        assertThat(System.getenv()).isNotEmpty(); // there is something that could leak
        CommandResult env = runner.run(List.of("env"), Duration.ofSeconds(10));
        assertThat(env.succeeded()).isTrue();
        assertThat(Arrays.stream(env.stdout().split("\n")).map(l -> l.substring(0, l.indexOf('='))))
                .containsExactlyInAnyOrder("PATH", "LC_ALL");
        assertThat(env.stdout()).contains("PATH=/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin\n", "LC_ALL=C\n");
    }

    @Test
    void capturesStandardErrorAndTheExitCode() throws Exception {
        CommandResult result = runner.run(List.of("sh", "-c", "echo out; echo 'RTNETLINK answers: File exists' >&2; exit 2"),
                Duration.ofSeconds(10));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.failure()).isEqualTo("sh -c echo out; echo 'RTNETLINK answers: File exists' >&2; exit 2 failed (exit 2): "
                + "RTNETLINK answers: File exists");
    }

    @Test
    void killsACommandThatOutlivesItsTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(List.of("sleep", "30"), Duration.ofMillis(200)))
                .isInstanceOf(CommandRunner.CommandTimeoutException.class)
                .hasMessage("sleep 30 timed out after 200 ms and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aMissingProgramIsAnIoExceptionNamingIt() {
        assertThatThrownBy(() -> runner.run(List.of("no-such-program-baton"), Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class).hasMessageContaining("no-such-program-baton");
    }
}
