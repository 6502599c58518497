package dev.baton.agent.publish.hook;

import dev.baton.agent.process.CleanEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.agent.config.publish.ExecHookConfig;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.Publisher.Authority;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ExecHookPublisher with real scripts written to a temp dir. */
class ExecHookPublisherTest {
    /** Records its argv (after the output prefix) and the environment it was exec'ed with, and logs each run. */
    private static final String RECORDER = """
            #!/bin/sh
            out="$1"; shift
            printf '%s\\n' "$@" > "$out.args"
            # /proc/$$/environ is exactly what execve got: sh's own additions (PWD...) are not in it.
            cat /proc/$$/environ > "$out.env"
            echo "$*" >> "$out.log"
            """;

    @TempDir
    Path dir;
    private Path out;
    private Path recorder;

    @BeforeEach
    void writeRecorder() throws IOException {
        out = dir.resolve("run");
        recorder = script("record.sh", RECORDER);
    }

    private Path script(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private ExecHookPublisher publisher(Duration timeout, Authority authority, String... command) {
        return new ExecHookPublisher(new ExecHookConfig(List.of(command), timeout), authority);
    }

    private ExecHookPublisher recorderPublisher(Authority authority, String... args) {
        List<String> command = new ArrayList<>(List.of(recorder.toString(), out.toString()));
        command.addAll(List.of(args));
        return new ExecHookPublisher(new ExecHookConfig(command, Duration.ofSeconds(10)), authority);
    }

    private List<String> runs() throws IOException {
        Path log = Path.of(out + ".log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void argumentsAreSubstitutedAndTheEnvironmentIsClean() throws Exception {
        var gate = new TestIntents.CountingGate();
        Outcome outcome = recorderPublisher(Authority.LEADER, "{service}", "{instance}", "{address}",
                "--from={previous_instance} {previous_address}", "{term}", "{index}", "{reason}", "{role}",
                "{droplet_id}", "{member}").reconcile(TestIntents.moved(), gate);

        assertThat(outcome).isEqualTo(Outcome.written("exit 0"));
        assertThat(gate.checks).as("the leader's gate is checked before running").hasValue(1);
        assertThat(Files.readAllLines(Path.of(out + ".args"))).containsExactly("db", "b", "10.0.0.2",
                "--from=a 10.0.0.1", "7", "42", "a unhealthy (3 of 3 nodes)", "leader", "3164445", "2");

        Map<String, String> env = Arrays.stream(Files.readString(Path.of(out + ".env"), StandardCharsets.UTF_8)
                        .split("\0"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toMap(s -> s.substring(0, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1)));
        Set<String> batonNames = Set.of("BATON_SERVICE", "BATON_INSTANCE", "BATON_ADDRESS", "BATON_PREVIOUS_INSTANCE",
                "BATON_PREVIOUS_ADDRESS", "BATON_TERM", "BATON_INDEX", "BATON_REASON", "BATON_ROLE",
                "BATON_DECIDED_AT", "BATON_DROPLET_ID", "BATON_MEMBER");
        Set<String> allowed = new TreeSet<>(batonNames);
        allowed.addAll(CleanEnvironment.INHERITED);
        assertThat(env.keySet()).containsAll(batonNames).contains("PATH");
        assertThat(env.keySet()).as("nothing else inherited from the agent").isSubsetOf(allowed);
        assertThat(env).containsEntry("BATON_ADDRESS", "10.0.0.2").containsEntry("BATON_TERM", "7")
                .containsEntry("BATON_DECIDED_AT", "2024-05-01T12:00:03.250Z").containsEntry("BATON_ROLE", "leader")
                .containsEntry("BATON_PREVIOUS_INSTANCE", "a");
        // The check above means something only if this JVM has variables a hook must not see.
        assertThat(System.getenv().keySet()).as("the test JVM's own environment")
                .anyMatch(name -> !allowed.contains(name));
    }

    @Test
    void secretsInTheAgentEnvironmentAreNotPassed() throws Exception {
        var agentEnv = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "BATON_CLUSTER_KEY", "cluster-secret", "DIGITALOCEAN_TOKEN", "dop_v1_secret", "BATON_TOKEN", "t0k");
        var publisher = new ExecHookPublisher(new ExecHookConfig(List.of(recorder.toString(), out.toString()),
                Duration.ofSeconds(10)), Authority.LEADER, agentEnv);
        publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL);
        String env = Files.readString(Path.of(out + ".env"));
        assertThat(env).doesNotContain("BATON_CLUSTER_KEY", "cluster-secret", "DIGITALOCEAN_TOKEN", "dop_v1_secret",
                "BATON_TOKEN", "t0k");
    }

    @Test
    void nonZeroExitIsTransientWithTheCodeAndTheFirstStderrLine() throws Exception {
        Path failing = script("fail.sh", """
                #!/bin/sh
                echo "progress on stdout"
                printf '\\n  db-moved: pager\\tunreachable \\033[31m\\n  second line\\n' >&2
                exit 3
                """);
        assertThatThrownBy(() -> publisher(Duration.ofSeconds(10), Authority.LEADER, failing.toString())
                .reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).isEqualTo(
                            "exit 3: db-moved: pager\\tunreachable \\x1b[31m");
                });
    }

    @Test
    void stdoutIsQuotedWhenStderrIsEmpty() throws Exception {
        Path failing = script("fail.sh", "#!/bin/sh\necho 'only stdout'\nexit 1\n");
        assertThatThrownBy(() -> publisher(Duration.ofSeconds(10), Authority.LEADER, failing.toString())
                .reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .hasMessage("exit 1: only stdout");
    }

    @Test
    void outputIsDrainedSoAChattyHookNeverBlocks() throws Exception {
        // 4 MB on each pipe, far more than a pipe buffer (64 KiB): without draining it would hang until the timeout.
        Path chatty = script("chatty.sh", "#!/bin/sh\nhead -c 4000000 /dev/zero\nhead -c 4000000 /dev/zero >&2\n");
        assertThat(publisher(Duration.ofSeconds(20), Authority.LEADER, chatty.toString())
                .reconcile(TestIntents.moved(), WriteGate.LOCAL)).isEqualTo(Outcome.written("exit 0"));
    }

    @Test
    void timeoutKillsTheProcessTree() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        // sh forks a sleep and waits for it: killing only sh would leave the sleep running.
        Path hanging = script("hang.sh", "#!/bin/sh\necho starting >&2\nsleep 30 &\necho $! > " + pidFile + "\nwait\n");
        try {
            assertThatThrownBy(() -> publisher(Duration.ofMillis(700), Authority.LEADER, hanging.toString())
                    .reconcile(TestIntents.moved(), WriteGate.LOCAL))
                    .isInstanceOfSatisfying(PublishException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT);
                        assertThat(e.getMessage()).isEqualTo("timed out after 700ms, killed: starting");
                    });
        } finally {
            long grandchild = Long.parseLong(Files.readString(pidFile).trim());
            await().atMost(Duration.ofSeconds(5)).until(
                    () -> ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
        }
    }

    @Test
    void interruptionKillsTheProcessTree() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        Path hanging = script("hang.sh", "#!/bin/sh\nsleep 30 &\necho $! > " + pidFile + "\nwait\n");
        var publisher = publisher(Duration.ofSeconds(30), Authority.LEADER, hanging.toString());
        var thrown = new java.util.concurrent.CompletableFuture<Throwable>();
        Thread engine = new Thread(() -> {
            try {
                publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL);
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        engine.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
            engine.interrupt();
            assertThat(thrown.get(5, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        } finally {
            engine.interrupt();
            engine.join(5_000);
            long grandchild = Long.parseLong(Files.readString(pidFile).trim());
            await().atMost(Duration.ofSeconds(5)).until(
                    () -> ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
        }
    }

    @Test
    void theSameIntentRunsOnceAndADifferentOneRunsAgain() throws Exception {
        var publisher = recorderPublisher(Authority.LEADER, "{term}", "{index}");
        var gate = new TestIntents.CountingGate();
        assertThat(publisher.reconcile(TestIntents.moved(), gate).result()).isEqualTo(Outcome.Result.WRITTEN);
        assertThat(publisher.reconcile(TestIntents.moved(), gate)).isEqualTo(Outcome.inSync("exit 0"));
        assertThat(runs()).containsExactly("7 42");
        assertThat(gate.checks).hasValue(1);

        assertThat(publisher.reconcile(TestIntents.none(), gate).result()).isEqualTo(Outcome.Result.WRITTEN);
        assertThat(runs()).containsExactly("7 42", "3 9");
        assertThat(publisher.resyncMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNewPublisherDeliversTheCurrentDecisionAgain() throws Exception {
        // A new leader builds its own publishers: at least once, receivers dedupe on term/index.
        recorderPublisher(Authority.LEADER, "{term}", "{index}").reconcile(TestIntents.moved(), WriteGate.LOCAL);
        recorderPublisher(Authority.LEADER, "{term}", "{index}").reconcile(TestIntents.moved(), WriteGate.LOCAL);
        assertThat(runs()).containsExactly("7 42", "7 42");
    }

    @Test
    void aFailedRunIsRetriedWithTheSameIntent() throws Exception {
        Path flag = dir.resolve("fail-once");
        Files.createFile(flag);
        Path flaky = script("flaky.sh", "#!/bin/sh\nif [ -e " + flag + " ]; then rm " + flag + "; exit 1; fi\n"
                + "echo ran >> " + out + ".log\n");
        var publisher = publisher(Duration.ofSeconds(10), Authority.LEADER, flaky.toString());
        assertThatThrownBy(() -> publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL)).hasMessageContaining("exit 1");
        assertThat(publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL).result()).isEqualTo(Outcome.Result.WRITTEN);
        assertThat(runs()).containsExactly("ran");
    }

    @Test
    void aClosedGateRunsNothing() throws Exception {
        var publisher = recorderPublisher(Authority.LEADER, "{term}");
        assertThatThrownBy(() -> publisher.reconcile(TestIntents.moved(), TestIntents.CLOSED))
                .isInstanceOfSatisfying(PublishException.class,
                        e -> assertThat(e.kind()).isEqualTo(PublishException.Kind.NOT_LEADING));
        assertThat(runs()).isEmpty();
        publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL);
        assertThat(runs()).as("nothing was remembered as delivered").containsExactly("7");
    }

    @Test
    void roleHookRunsOnEveryRoleChangeInOrder() throws Exception {
        var publisher = recorderPublisher(Authority.EVERY_NODE, "{role}", "{address}", "{term}");
        assertThat(publisher.authority()).isEqualTo(Authority.EVERY_NODE);
        publisher.reconcile(TestIntents.leaderScope(Role.FOLLOWER, 4), WriteGate.LOCAL);
        publisher.reconcile(TestIntents.leaderScope(Role.FOLLOWER, 4), WriteGate.LOCAL);
        publisher.reconcile(TestIntents.leaderScope(Role.LEADER, 5), WriteGate.LOCAL);
        publisher.reconcile(TestIntents.leaderScope(Role.FOLLOWER, 6), WriteGate.LOCAL);
        assertThat(runs()).containsExactly("follower 10.0.0.12 4", "leader 10.0.0.12 5", "follower 10.0.0.12 6");
    }

    @Test
    void missingOrNonExecutableProgramIsAConfigurationError() throws IOException {
        Path notExecutable = dir.resolve("plain.txt");
        Files.writeString(notExecutable, "#!/bin/sh\n");
        for (String program : List.of(dir.resolve("absent").toString(), notExecutable.toString(), "baton-no-such-hook")) {
            assertThatThrownBy(() -> publisher(Duration.ofSeconds(5), Authority.LEADER, program)
                    .reconcile(TestIntents.moved(), WriteGate.LOCAL))
                    .isInstanceOfSatisfying(PublishException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PublishException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).startsWith("cannot run " + program + ": not found or not executable");
                    });
        }
    }

    @Test
    void unknownPlaceholderIsRejectedAtConstruction() {
        assertThatThrownBy(() -> publisher(Duration.ofSeconds(5), Authority.LEADER, "/bin/true", "{adress}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{adress}");
    }

    @Test
    void targetIsTheProgram() {
        var publisher = publisher(Duration.ofSeconds(5), Authority.LEADER, "/usr/local/bin/db-moved", "{address}");
        assertThat(publisher.kind()).isEqualTo("exec");
        assertThat(publisher.target()).isEqualTo("exec /usr/local/bin/db-moved");
    }
}
