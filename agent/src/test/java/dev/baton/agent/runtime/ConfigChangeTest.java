package dev.baton.agent.runtime;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a reload applies in place, and what it refuses because only a restart can change it. */
class ConfigChangeTest {
    @TempDir
    Path dir;

    private BatonConfig load(String yaml) throws Exception {
        return new ConfigFixture(dir).load(yaml);
    }

    @Test
    void servicesChecksTtlAndLoggingApplyInPlace() throws Exception {
        BatonConfig running = load(ConfigFixture.EXAMPLE);
        BatonConfig reloaded = load(ConfigFixture.EXAMPLE.replace("ttl: 1s", "ttl: 5s")
                .replace("rise: 2, fall: 2", "rise: 3, fall: 2")
                .replace("  - name: queue\n    check: {tcp: \"{address}:5672\"}\n    instances:\n      - {name: q1, address: 127.0.0.3}\n", "")
                + "  - name: cache\n    check: {tcp: \"{address}:6379\"}\n    instances:\n      - {name: c1, address: 127.0.0.4}\n"
                + "logging: {format: json}\n");
        ConfigChange change = ConfigChange.between(running, reloaded);
        assertThat(change.restartNeeded()).isEmpty();
        assertThat(change.added()).containsExactly("cache");
        assertThat(change.removed()).containsExactly("queue");
        assertThat(change.changed()).containsExactly("db");
        assertThat(change.zoneChanged()).isTrue();
        assertThat(change.logFormatChanged()).isTrue();
        assertThat(change.publishersChanged()).isFalse();
        assertThat(change.describe()).startsWith("applied: services +1 -1 ~1 (added: cache) (removed: queue) (changed: db)");
    }

    @Test
    void membershipTimingsAndListenAddressesNeedARestart() throws Exception {
        BatonConfig running = load(ConfigFixture.EXAMPLE);
        BatonConfig reloaded = load(ConfigFixture.EXAMPLE
                .replace("    - {id: 3, address: 127.0.0.1:7403, witness: true}\n",
                        "    - {id: 3, address: 127.0.0.1:7409, witness: true}\n")
                .replace("  data_dir: data/node1\n", "  data_dir: data/node1\n  timings: {heartbeat: 50ms}\n")
                .replace("127.0.0.1:5301", "127.0.0.1:5309")
                .replace("ttl: 1s", "ttl: 5s"));
        ConfigChange change = ConfigChange.between(running, reloaded);
        assertThat(change.restartNeeded()).containsExactly("cluster.members", "cluster.timings", "dns.listen");
        assertThat(change.describe()).isEqualTo("refused: cluster.members, cluster.timings, dns.listen changed;"
                + " these need a restart of the node (nothing was applied)");
    }

    @Test
    void theDnsTransportNeedsARestart() throws Exception {
        BatonConfig running = load(ConfigFixture.EXAMPLE);
        BatonConfig reloaded = load(ConfigFixture.EXAMPLE.replace("ttl: 1s", "ttl: 1s\n  transport: jdk"));
        assertThat(ConfigChange.between(running, reloaded).restartNeeded()).containsExactly("dns.transport");
    }

    @Test
    void theSameFileChangesNothing() throws Exception {
        assertThat(ConfigChange.between(load(ConfigFixture.EXAMPLE), load(ConfigFixture.EXAMPLE)).describe())
                .isEqualTo("no change");
    }
}
