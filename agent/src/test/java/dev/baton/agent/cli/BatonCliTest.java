package dev.baton.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.config.ConfigFixture;
import dev.baton.election.storage.FileStorage;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.RecoveryState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BatonCliTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    /** Output of one in-process run. */
    private record Run(int exitCode, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BatonCli.commandLine(env::get);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void validateAcceptsAValidConfig() throws Exception {
        Path config = new ConfigFixture(dir).write(ConfigFixture.EXAMPLE);
        Run run = run("validate", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("config OK: cluster demo, node 1, 2 services" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void validatePrintsEveryErrorOnItsOwnLineAndExits2() throws Exception {
        Path config = new ConfigFixture(dir).write(ConfigFixture.example("interval: 100ms", "interval: 0ms")
                .replace("node: 1", "node: 7"));
        Run run = run("validate", "-c", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).containsExactly(
                "cluster.node: 7 is not a member id; members are 1, 2, 3",
                "services[0].check.interval: \"0ms\" must be at least 10ms");
    }

    @Test
    void validatePrintsWarningsAndStillAcceptsTheConfig() throws Exception {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path token = fixture.writeSecret("do.token", "dop_v1_secret\n");
        java.nio.file.Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path config = fixture.write(ConfigFixture.example("    check: {tcp: \"{address}:5672\"}",
                "    check: {tcp: \"{address}:5672\"}\n    publish:\n      - digitalocean_dns: {domain: example.com,"
                        + " record: q, token_file: do.token}"));
        Run run = run("validate", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("config OK");
        assertThat(run.err().lines()).containsExactly("warning: services[1].publish[0].digitalocean_dns.token_file: file "
                + token + " is readable by others; restrict it with: chmod 600 " + token);
        assertThat(run.err()).doesNotContain("dop_v1_secret");
    }

    @Test
    void validateWarnsWhenTheClusterKeyFileIsReadableByGroupOrOthers() throws Exception {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path config = fixture.write(ConfigFixture.EXAMPLE);
        Path key = dir.resolve("cluster.key");
        for (String mode : new String[] {"rw-r-----", "rw----r--"}) {
            java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            Run run = run("validate", "--config", config.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.err().lines()).singleElement().asString()
                    .startsWith("warning: cluster.key_file: file " + key + " is readable by "
                            + (mode.endsWith("r--") ? "others" : "its group"))
                    .endsWith("chmod 600 " + key);
            assertThat(run.err()).doesNotContain(ConfigFixture.KEY_HEX);
        }
    }

    @Test
    void validateWarnsWhenADefaultNameServerHasNoAddress() throws Exception {
        Path config = new ConfigFixture(dir).write(ConfigFixture.example("address: 127.0.0.1:7403",
                "address: node3.example.test:7403"));
        Run run = run("validate", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("warning: dns.nameservers: absent")
                .contains("ns3.ha.example.test. has no address", "node3.example.test");
    }

    @Test
    void validateUsesTheInjectedEnvironmentForTheKey() throws Exception {
        Path config = new ConfigFixture(dir).write(ConfigFixture.example("key_file: cluster.key", "key_file: absent.key"));
        assertThat(run("validate", "--config", config.toString()).exitCode()).isEqualTo(2);
        env.put("BATON_CLUSTER_KEY", ConfigFixture.KEY_HEX);
        assertThat(run("validate", "--config", config.toString()).exitCode()).isZero();
    }

    @Test
    void validateWithoutConfigIsAUsageError() {
        Run run = run("validate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--config=FILE'");
    }

    @Test
    void statusOfANodeThatIsNotThereSaysWhyAndFails() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // released: nothing listens there now
        }
        Run run = run("status", "--api", "127.0.0.1:" + port);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("baton status: cannot reach http://127.0.0.1:" + port + ": connection refused or"
                + " unreachable (is the agent running, with api.listen at this address?)" + System.lineSeparator());
    }

    /** The data directory of ConfigFixture.EXAMPLE, with {@code entries} log entries written. */
    private Path dataDirWith(int entries) {
        Path data = dir.resolve("data/node1");
        try (FileStorage s = new FileStorage(data)) {
            s.load();
            s.saveTerm(4, 1);
            for (long i = 1; i <= entries; i++) {
                s.append(List.of(new LogEntry(i, 4, LogEntry.Kind.DATA, new byte[] {(byte) i})));
            }
        }
        return data;
    }

    /** {@code baton recover [--force-new-cluster]} with ConfigFixture.EXAMPLE. */
    private Run recover(boolean force) throws Exception {
        Path config = new ConfigFixture(dir).write(ConfigFixture.EXAMPLE);
        return force ? run("recover", "--force-new-cluster", "--config", config.toString())
                : run("recover", "--config", config.toString());
    }

    private RecoveryState recoveryOf(Path data) {
        try (FileStorage s = new FileStorage(data)) {
            return s.load().recovery();
        }
    }

    @Test
    void recoverRefusesWithoutTheFlagAndChangesNothing() throws Exception {
        Path data = dataDirWith(3);
        Run run = recover(false);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("baton recover: refusing without --force-new-cluster.");
        assertThat(run.err().lines()).last().isEqualTo("node 1 keeps entries up to index 3 (term 4)");
        assertThat(recoveryOf(data)).isEqualTo(RecoveryState.NONE);
    }

    @Test
    void recoverForcesANewClusterFromTheSurvivingLogAndSaysWhatIsLost() throws Exception {
        Path data = dataDirWith(3);
        Run run = recover(true);
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).startsWith("WARNING: FORCED A NEW CLUSTER. Node 1 of cluster demo will, at its next"
                + " start, lead alone (as a majority of one) from its own log: entries up to index 3 (snapshot at 0,"
                + " term 4). Anything the old cluster committed after index 3 is lost");
        assertThat(recoveryOf(data)).isEqualTo(RecoveryState.FORCED_NEW_CLUSTER);
    }

    @Test
    void recoverRefusesAnEmptyLog() throws Exception {
        Path data = dataDirWith(0);
        Run run = recover(true);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("holds an empty log: refusing to form a new cluster from nothing");
        assertThat(recoveryOf(data)).isEqualTo(RecoveryState.NONE);
    }

    @Test
    void recoverRefusesWhileTheAgentHoldsTheDataDirectory() throws Exception {
        Path data = dataDirWith(2);
        try (FileStorage running = new FileStorage(data)) {
            running.load();
            Run run = recover(true);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).startsWith("baton recover: cannot open " + data).contains("stop the agent");
        }
        assertThat(recoveryOf(data)).isEqualTo(RecoveryState.NONE);
    }

    @Test
    void keygenPrints32RandomBytesAsHex() {
        Run first = run("keygen");
        Run second = run("keygen");
        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).matches("[0-9a-f]{64}" + System.lineSeparator());
        assertThat(second.out()).isNotEqualTo(first.out());
    }

    @Test
    void versionHelpAndUsageErrors() {
        Run version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("baton ");
        assertThat(run("--help").out()).contains("validate").contains("keygen");
        Run bare = run();
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err()).contains("Missing subcommand").contains("validate");
        assertThat(run("frobnicate").exitCode()).isEqualTo(2);
    }
}
