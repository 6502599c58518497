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
        ObservationReport r = new ObservationReport(2, 7, Map.of(
                new InstanceKey("db", "a"), InstanceHealth.DOWN,
                new InstanceKey("db", "b"), InstanceHealth.UP,
                new InstanceKey("web", "x"), InstanceHealth.UNKNOWN));
        assertThat(ObservationReport.decode(r.encode())).isEqualTo(r);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "[]", "not json", "{}",
            "{\"v\":2,\"type\":\"observations\",\"node\":1,\"seq\":1,\"health\":{}}",
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
