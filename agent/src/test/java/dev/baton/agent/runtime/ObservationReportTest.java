package dev.baton.agent.runtime;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reports travel between nodes: they round-trip, and anything else is refused with a reason. */
class ObservationReportTest {

    @Test
    void roundTrips() {
        ObservationReport r = new ObservationReport(2, 7, true, Map.of(
                new InstanceKey("db", "a"), InstanceHealth.DOWN,
                new InstanceKey("db", "b"), InstanceHealth.UP,
                new InstanceKey("web", "x"), InstanceHealth.UNKNOWN));
        assertThat(ObservationReport.decode(r.encode())).isEqualTo(r);
        ObservationReport delta = new ObservationReport(2, 8, false, Map.of(new InstanceKey("db", "a"), InstanceHealth.UP));
        assertThat(ObservationReport.decode(delta.encode())).isEqualTo(delta);
        // A report of version 1 (before deltas) is a full view.
        assertThat(ObservationReport.decode("{\"v\":1,\"type\":\"observations\",\"node\":1,\"seq\":1,\"health\":{}}"
                .getBytes(StandardCharsets.UTF_8)).full()).isTrue();
    }

    @Test
    void carriesTheSendersConfigDigestAndReadsReportsWithoutOne() {
        ObservationReport r = new ObservationReport(2, 7, false, Map.of(), java.util.Optional.of("0123456789abcdef"));
        assertThat(new String(r.encode(), StandardCharsets.UTF_8)).contains("\"config\":\"0123456789abcdef\"");
        assertThat(ObservationReport.decode(r.encode()).configDigest()).contains("0123456789abcdef");
        // As a node of the previous version sends it: no digest, read as none (not compared).
        assertThat(ObservationReport.decode(("{\"v\":2,\"type\":\"observations\",\"node\":1,\"seq\":1,"
                + "\"full\":true,\"health\":{\"db/a\":\"up\"}}").getBytes(StandardCharsets.UTF_8)).configDigest()).isEmpty();
        assertThat(new Observations(() -> { }).reportTo(2, 1, 0, "abcd").configDigest()).contains("abcd");
    }

    @Test
    void aNodeSendsOnlyWhatChangedBetweenFullViewsAndTheLeaderFollowsItInOrder() {
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        Observations own = new Observations(changes::incrementAndGet);
        InstanceKey a = new InstanceKey("db", "a");
        InstanceKey b = new InstanceKey("db", "b");
        own.track(a);
        own.track(b);
        own.onChange("db", "a", InstanceHealth.UP, dev.baton.agent.check.ProbeResult.pass("test", java.time.Duration.ZERO));
        own.onChange("db", "b", InstanceHealth.UP, dev.baton.agent.check.ProbeResult.pass("test", java.time.Duration.ZERO));
        ViewBook leaderBook = new ViewBook();

        ObservationReport first = own.reportTo(2, 1, 0, "d1");
        assertThat(first.full()).as("to a new leader: the whole view").isTrue();
        assertThat(first.health()).hasSize(2);
        assertThat(leaderBook.file(first, 10)).isTrue();

        ObservationReport quiet = own.reportTo(2, 1, 250, "d1");
        assertThat(quiet.full()).isFalse();
        assertThat(quiet.health()).as("nothing changed: an empty delta, the node is alive").isEmpty();
        assertThat(leaderBook.file(quiet, 260)).isTrue();

        own.onChange("db", "a", InstanceHealth.DOWN, dev.baton.agent.check.ProbeResult.pass("test", java.time.Duration.ZERO));
        ObservationReport change = own.reportTo(2, 1, 500, "d1");
        assertThat(change.health()).containsExactly(Map.entry(a, InstanceHealth.DOWN));
        ObservationReport lost = own.reportTo(2, 1, 600, "d1"); // never arrives
        own.onChange("db", "b", InstanceHealth.DOWN, dev.baton.agent.check.ProbeResult.pass("test", java.time.Duration.ZERO));
        ObservationReport afterGap = own.reportTo(2, 1, 700, "d1");
        assertThat(leaderBook.file(change, 510)).isTrue();
        assertThat(leaderBook.with(new dev.baton.agent.verdict.NodeView(1, 510, Map.of())).stream()
                .filter(v -> v.nodeId() == 2).findFirst().orElseThrow().of(a)).isEqualTo(InstanceHealth.DOWN);
        assertThat(leaderBook.file(afterGap, 710)).as("a delta after a lost one is not filed").isFalse();
        assertThat(lost.seq()).isEqualTo(change.seq() + 1);

        ObservationReport full = own.reportTo(2, 1, 1_000, "d1");
        assertThat(full.full()).as("a full view every second").isTrue();
        assertThat(leaderBook.file(full, 1_010)).isTrue();
        assertThat(leaderBook.with(new dev.baton.agent.verdict.NodeView(1, 1_010, Map.of())).stream()
                .filter(v -> v.nodeId() == 2).findFirst().orElseThrow().of(b)).isEqualTo(InstanceHealth.DOWN);
        assertThat(own.reportTo(2, 3, 1_100, "d1").full()).as("to another leader: the whole view").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "[]", "not json", "{}",
            "{\"v\":3,\"type\":\"observations\",\"node\":1,\"seq\":1,\"health\":{}}",
            "{\"v\":1,\"type\":\"other\",\"node\":1,\"seq\":1,\"health\":{}}",
            "{\"v\":1,\"type\":\"observations\",\"seq\":1,\"health\":{}}",
            "{\"v\":1,\"type\":\"observations\",\"node\":1,\"seq\":1}",
            "{\"v\":1,\"type\":\"observations\",\"node\":1,\"seq\":1,\"health\":{\"noslash\":\"up\"}}",
            "{\"v\":1,\"type\":\"observations\",\"node\":1,\"seq\":1,\"health\":{\"db/\":\"up\"}}",
            "{\"v\":1,\"type\":\"observations\",\"node\":1,\"seq\":1,\"health\":{\"db/a\":\"sideways\"}}",
    })
    void refusesWhatIsNotAReport(String text) {
        assertThatThrownBy(() -> ObservationReport.decode(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void refusesAnOversizedPayload() {
        assertThatThrownBy(() -> ObservationReport.decode(new byte[(1 << 20) + 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
    }
}
