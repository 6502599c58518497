package dev.baton.agent.select;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpSinceTrackerTest {
    private static final InstanceKey A = new InstanceKey("db", "a");
    private static final InstanceKey B = new InstanceKey("db", "b");
    private static final InstanceKey Q = new InstanceKey("queue", "a");

    @Test
    void remembersTheStartOfAnUpStreak() {
        UpSinceTracker tracker = new UpSinceTracker();
        tracker.observe(A, InstanceHealth.UP, 100);
        tracker.observe(A, InstanceHealth.UP, 200);
        tracker.observe(Q, InstanceHealth.UP, 150);
        tracker.observe(B, InstanceHealth.DOWN, 200);
        assertThat(tracker.upSince("db")).isEqualTo(Map.of("a", 100L));
        assertThat(tracker.upSince("queue")).isEqualTo(Map.of("a", 150L));
    }

    @Test
    void anythingButUpEndsTheStreak() {
        UpSinceTracker tracker = new UpSinceTracker();
        tracker.observe(A, InstanceHealth.UP, 100);
        tracker.observe(A, InstanceHealth.UNKNOWN, 200);
        assertThat(tracker.upSince("db")).isEmpty();
        tracker.observe(A, InstanceHealth.UP, 300);
        assertThat(tracker.upSince("db")).isEqualTo(Map.of("a", 300L));
        tracker.clear();
        assertThat(tracker.upSince("db")).isEmpty();
    }
}
