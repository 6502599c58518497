package dev.baton.agent.check;

import static dev.baton.agent.check.InstanceHealth.DOWN;
import static dev.baton.agent.check.InstanceHealth.UNKNOWN;
import static dev.baton.agent.check.InstanceHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    @Test
    void startsUnknown() {
        HealthTracker tracker = new HealthTracker(2, 3);
        assertThat(tracker.state()).isEqualTo(UNKNOWN);
        assertThat(tracker.consecutivePasses()).isZero();
        assertThat(tracker.consecutiveFailures()).isZero();
    }

    @Test
    void becomesUpAfterRisePassesFromUnknown() {
        HealthTracker tracker = new HealthTracker(2, 3);
        assertThat(tracker.record(true)).isFalse();
        assertThat(tracker.state()).isEqualTo(UNKNOWN);
        assertThat(tracker.record(true)).isTrue();
        assertThat(tracker.state()).isEqualTo(UP);
        assertThat(tracker.record(true)).as("already up: no change").isFalse();
        assertThat(tracker.consecutivePasses()).isEqualTo(3);
    }

    @Test
    void becomesDownAfterFallFailuresFromUnknown() {
        HealthTracker tracker = new HealthTracker(2, 3);
        assertThat(tracker.record(false)).isFalse();
        assertThat(tracker.record(false)).isFalse();
        assertThat(tracker.state()).isEqualTo(UNKNOWN);
        assertThat(tracker.record(false)).isTrue();
        assertThat(tracker.state()).isEqualTo(DOWN);
        assertThat(tracker.consecutiveFailures()).isEqualTo(3);
    }

    @Test
    void fromUnknownTheFirstThresholdReachedDecides() {
        HealthTracker tracker = new HealthTracker(3, 1);
        tracker.record(true);
        tracker.record(true);
        assertThat(tracker.record(false)).isTrue();
        assertThat(tracker.state()).isEqualTo(DOWN);
    }

    @Test
    void upStaysUpWhenFailuresAreNotConsecutive() {
        HealthTracker tracker = new HealthTracker(1, 2);
        tracker.record(true);
        for (int i = 0; i < 5; i++) {
            assertThat(tracker.record(false)).isFalse();
            assertThat(tracker.record(true)).isFalse();
        }
        assertThat(tracker.state()).isEqualTo(UP);
    }

    @Test
    void downNeedsRiseConsecutivePassesToComeBack() {
        HealthTracker tracker = new HealthTracker(3, 1);
        tracker.record(false);
        tracker.record(true);
        tracker.record(true);
        assertThat(tracker.record(false)).as("already down").isFalse();
        assertThat(tracker.consecutivePasses()).isZero();
        tracker.record(true);
        tracker.record(true);
        assertThat(tracker.state()).isEqualTo(DOWN);
        assertThat(tracker.record(true)).isTrue();
        assertThat(tracker.state()).isEqualTo(UP);
    }

    @Test
    void upToDownToUp() {
        HealthTracker tracker = new HealthTracker(2, 2);
        tracker.record(true);
        tracker.record(true);
        tracker.record(false);
        assertThat(tracker.record(false)).isTrue();
        assertThat(tracker.state()).isEqualTo(DOWN);
        tracker.record(true);
        assertThat(tracker.record(true)).isTrue();
        assertThat(tracker.state()).isEqualTo(UP);
    }

    @Test
    void rejectsThresholdsBelowOne() {
        assertThatThrownBy(() -> new HealthTracker(0, 2)).hasMessageContaining("rise");
        assertThatThrownBy(() -> new HealthTracker(2, 0)).hasMessageContaining("fall");
    }
}
