package dev.baton.agent.select;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.verdict.Health;
import dev.baton.agent.verdict.InstanceKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpSinceTrackerTest {
    private static final InstanceKey A = new InstanceKey("db", "a");
    private static final InstanceKey B = new InstanceKey("db", "b");
    private static final InstanceKey Q = new InstanceKey("queue", "a");

    @Test
    void remembersTheStartOfAnUpStreak() {
        UpSinceTracker tracker = new UpSinceTracker();
        tracker.observe(A, Health.UP, 100);
        tracker.observe(A, Health.UP, 200);
        tracker.observe(Q, Health.UP, 150);
        tracker.observe(B, Health.DOWN, 200);
        assertThat(tracker.upSince("db")).isEqualTo(Map.of("a", 100L));
        assertThat(tracker.upSince("queue")).isEqualTo(Map.of("a", 150L));
    }

    @Test
    void anythingButUpEndsTheStreak() {
        UpSinceTracker tracker = new UpSinceTracker();
        tracker.observe(A, Health.UP, 100);
        tracker.observe(A, Health.UNKNOWN, 200);
        assertThat(tracker.upSince("db")).isEmpty();
        tracker.observe(A, Health.UP, 300);
        assertThat(tracker.upSince("db")).isEqualTo(Map.of("a", 300L));
        tracker.clear();
        assertThat(tracker.upSince("db")).isEmpty();
    }
}
