package dev.baton.agent.runtime;

import static dev.baton.agent.check.InstanceHealth.DOWN;
import static dev.baton.agent.check.InstanceHealth.UNKNOWN;
import static dev.baton.agent.check.InstanceHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.check.InstanceKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expedited confirmation's trigger and bound, on an injected clock (milliseconds passed in). */
class ConfirmationGateTest {
    private static final InstanceKey SLOW = new InstanceKey("db", "a");
    private static final InstanceKey FAST = new InstanceKey("web", "a");
    private final ConfirmationGate gate = new ConfirmationGate(Map.of(SLOW, 1_000L, FAST, 20L));

    @Test
    void aPeerSeeingAChangeThisNodeHasNotSeenTriggersACheck() {
        assertThat(gate.admit(SLOW, DOWN, UP, 0)).isTrue();
    }

    @Test
    void noCheckWhenThisNodeAlreadyAgreesOrThePeerSaysNothingDefinite() {
        assertThat(gate.admit(SLOW, DOWN, DOWN, 0)).as("already down here: our report confirms").isFalse();
        assertThat(gate.admit(SLOW, UNKNOWN, UP, 0)).isFalse();
        assertThat(gate.admit(SLOW, DOWN, UP, 0)).as("refusals did not use up the allowance").isTrue();
    }

    @Test
    void noCheckOfAnInstanceThisNodeDoesNotCheck() {
        assertThat(gate.admit(new InstanceKey("db", "zz"), DOWN, UNKNOWN, 0)).isFalse();
    }

    @Test
    void atMostOneExpeditedCheckPerInstancePerInterval() {
        assertThat(gate.admit(SLOW, DOWN, UP, 5_000)).isTrue();
        // Both other peers tell us too, and the instance flaps back: nothing more within the interval.
        assertThat(gate.admit(SLOW, DOWN, UP, 5_001)).isFalse();
        assertThat(gate.admit(SLOW, UP, DOWN, 5_500)).isFalse();
        assertThat(gate.admit(SLOW, UP, DOWN, 5_999)).isFalse();
        assertThat(gate.admit(SLOW, UP, DOWN, 6_000)).isTrue();
        assertThat(gate.admit(FAST, DOWN, UP, 5_001)).as("instances are bounded separately").isTrue();
    }

    @Test
    void aVeryShortIntervalIsExpeditedNoMoreOftenThanTheFloor() {
        assertThat(gate.admit(FAST, DOWN, UP, 0)).isTrue();
        assertThat(gate.admit(FAST, UP, DOWN, 20)).isFalse();
        assertThat(gate.admit(FAST, UP, DOWN, ConfirmationGate.MIN_SPACING_MILLIS - 1)).isFalse();
        assertThat(gate.admit(FAST, UP, DOWN, ConfirmationGate.MIN_SPACING_MILLIS)).isTrue();
    }

    @Test
    void aFlappingInstanceToldByEveryPeerIsCheckedAtMostOncePerIntervalOverAMinute() {
        int admitted = 0;
        // Two peers each report a change every 10 ms for a minute.
        for (long now = 0; now < 60_000; now += 10) {
            if (gate.admit(SLOW, now % 20 == 0 ? DOWN : UP, now % 20 == 0 ? UP : DOWN, now)) admitted++;
            if (gate.admit(SLOW, DOWN, UP, now)) admitted++;
        }
        assertThat(admitted).isEqualTo(60);
    }
}
