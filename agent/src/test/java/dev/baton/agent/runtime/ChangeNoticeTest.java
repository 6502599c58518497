package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeNoticeTest {

    @Test
    void roundTripsAndIsToldApartFromAReport() {
        ChangeNotice notice = new ChangeNotice(3, Map.of(new InstanceKey("db", "a"), InstanceHealth.DOWN,
                new InstanceKey("web", "b"), InstanceHealth.UP));
        assertThat(new String(notice.encode(), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":1,\"type\":\"changed\",\"node\":3,\"down\":[\"db/a\"],\"up\":[\"web/b\"]}");
        assertThat(ChangeNotice.isNotice(notice.encode())).isTrue();
        assertThat(ChangeNotice.decode(notice.encode())).isEqualTo(notice);
        ObservationReport report = new ObservationReport(3, 9, true, Map.of(new InstanceKey("db", "a"), InstanceHealth.UP));
        assertThat(ChangeNotice.isNotice(report.encode())).isFalse();
        assertThatThrownBy(() -> ObservationReport.decode(notice.encode())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChangeIsToUpOrDown() {
        assertThatThrownBy(() -> new ChangeNotice(1, Map.of(new InstanceKey("db", "a"), InstanceHealth.UNKNOWN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"v\":1,\"type\":\"changed\",\"node\":3}",
            "{\"v\":1,\"type\":\"changed\",\"down\":[],\"up\":[]}",
            "{\"v\":2,\"type\":\"changed\",\"node\":3,\"down\":[],\"up\":[]}",
            "{\"v\":1,\"type\":\"changed\",\"node\":3,\"down\":[\"noslash\"],\"up\":[]}",
            "{\"v\":1,\"type\":\"changed\",\"node\":3,\"down\":{},\"up\":[]}",
            "{\"v\":1,\"type\":\"observations\",\"node\":3,\"down\":[],\"up\":[]}",
            "[]", "not json",
    })
    void refusesWhatIsNotANotice(String text) {
        assertThatThrownBy(() -> ChangeNotice.decode(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anythingUnreadableIsNotANotice() {
        assertThat(ChangeNotice.isNotice("not json".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(ChangeNotice.isNotice(new byte[0])).isFalse();
        assertThat(ChangeNotice.isNotice("{\"v\":1,\"x\":{\"type\":\"changed\"}}".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}
