package dev.baton.agent.dns;

import dev.baton.agent.config.ConfigLoader;
import dev.baton.agent.runtime.AgentNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real {@code dig} against a running agent (a one-node cluster, so it decides by itself): the answers
 * the agent's decisions produce, over UDP and TCP, with and without EDNS. Truncation needs an answer larger
 * than a service produces; {@link DnsServerDigTest} covers it on the same server with a larger zone.
 */
class AgentDigTest {
    @TempDir
    static Path dir;
    static AgentNode agent;
    static int port;

    @BeforeAll
    static void startAgent() throws Exception {
        Files.writeString(dir.resolve("cluster.key"), "ab".repeat(32) + "\n");
        Path config = dir.resolve("node1.yaml");
        Files.writeString(config, String.format("""
                cluster:
                  name: dig
                  node: 1
                  members:
                    - {id: 1, address: 127.0.0.1:%d}
                  key_file: cluster.key
                  data_dir: data
                  timings: {heartbeat: 50ms, follower_timeout: 600ms, hold_down: 1s}
                api:
                  listen: 127.0.0.1:0
                dns:
                  listen: [127.0.0.1:0]
                  zone: ha.example.test.
                  ttl: 2s
                services:
                  - name: v4
                    check: {exec: ["true"], interval: 200ms, timeout: 200ms, rise: 1, fall: 3}
                    instances:
                      - {name: a, address: 192.0.2.10}
                  - name: v6
                    check: {exec: ["true"], interval: 200ms, timeout: 200ms, rise: 1, fall: 3}
                    instances:
                      - {name: a, address: "2001:db8::10"}
                  - name: alias
                    check: {exec: ["true"], interval: 200ms, timeout: 200ms, rise: 1, fall: 3}
                    instances:
                      - {name: a, address: target.example.net}
                  - name: dark
                    when_none_healthy: no_answer
                    check: {exec: ["false"], interval: 200ms, timeout: 200ms, rise: 1, fall: 3}
                    instances:
                      - {name: a, address: 192.0.2.99}
                """, freePort()));
        agent = AgentNode.start(new ConfigLoader().load(config));
        port = agent.dnsAddresses().get(0).getPort();
        await().atMost(Duration.ofSeconds(30)).until(() -> "NOERROR".equals(dig("v4.ha.example.test", "A").status())
                && "NOERROR".equals(dig("alias.ha.example.test", "A").status())
                && !dig("v6.ha.example.test", "AAAA").answer().isEmpty());
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) agent.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+notcp", "+tcp"})
    void answersTheDecidedInstanceWithTheTtlAndTheAaFlag(String transport) {
        Dig.Response a = dig(transport, "v4.ha.example.test", "A");
        assertThat(a.status()).isEqualTo("NOERROR");
        assertThat(a.flags()).contains("aa");
        assertThat(a.answer()).singleElement().satisfies(rr -> {
            assertThat(rr.type()).isEqualTo("A");
            assertThat(rr.rdata()).isEqualTo("192.0.2.10");
            assertThat(rr.ttl()).isEqualTo(2);
        });
        Dig.Response aaaa = dig(transport, "v6.ha.example.test", "AAAA");
        assertThat(aaaa.answer()).singleElement().satisfies(rr -> assertThat(rr.rdata()).isEqualTo("2001:db8::10"));
        Dig.Response cname = dig(transport, "ALIAS.ha.example.test", "A");
        assertThat(cname.answer()).singleElement().satisfies(rr -> {
            assertThat(rr.type()).isEqualTo("CNAME");
            assertThat(rr.rdata()).isEqualTo("target.example.net.");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"+noedns", "+bufsize=1232"})
    void negativeAnswersCarryTheSoa(String edns) {
        Dig.Response nx = dig(edns, "nosuch.ha.example.test", "A");
        assertThat(nx.status()).isEqualTo("NXDOMAIN");
        assertThat(nx.flags()).contains("aa");
        assertThat(nx.authority()).singleElement().satisfies(rr -> assertThat(rr.type()).isEqualTo("SOA"));
        Dig.Response nodata = dig(edns, "v4.ha.example.test", "AAAA");
        assertThat(nodata.status()).isEqualTo("NOERROR");
        assertThat(nodata.answer()).isEmpty();
        assertThat(nodata.authority()).singleElement().satisfies(rr -> assertThat(rr.type()).isEqualTo("SOA"));
        Dig.Response none = dig(edns, "dark.ha.example.test", "A");
        assertThat(none.status()).as("no_answer and nothing healthy: NODATA").isEqualTo("NOERROR");
        assertThat(none.answer()).isEmpty();
        if (edns.startsWith("+bufsize")) assertThat(nx.ednsUdp()).isEqualTo(1232);
        else assertThat(nx.ednsUdp()).isNull();
    }

    @Test
    void theConfiguredTimingsRunTheElection() {
        var timings = agent.election().config().timings();
        assertThat(timings.heartbeatMillis()).isEqualTo(50);
        assertThat(timings.followerTimeoutMillis()).isEqualTo(600);
        assertThat(timings.holdDownMillis()).isEqualTo(1000);
        assertThat(timings.candidateRetryMillis()).isEqualTo(300);
    }

    @Test
    void apexOutsideOtherOpcodes() {
        assertThat(dig("ha.example.test", "SOA").answer()).singleElement()
                .satisfies(rr -> assertThat(rr.type()).isEqualTo("SOA"));
        assertThat(dig("ha.example.test", "NS").answer()).singleElement()
                .satisfies(rr -> assertThat(rr.rdata()).isEqualTo("ns1.ha.example.test."));
        Dig.Response refused = dig("www.example.org", "A");
        assertThat(refused.status()).isEqualTo("REFUSED");
        assertThat(refused.flags()).doesNotContain("aa");
        assertThat(dig("+opcode=status", "v4.ha.example.test", "A").status()).isEqualTo("NOTIMP");
    }

    private static Dig.Response dig(String... args) {
        return Dig.run(port, args).single();
    }

    private static int freePort() throws IOException {
        return dev.baton.agent.demo.LoopbackClusterFiles.freePort();
    }
}
