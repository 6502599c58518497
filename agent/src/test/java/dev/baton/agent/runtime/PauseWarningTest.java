package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PauseWarningTest {
    private final PauseWarning warning = new PauseWarning(300);

    @Test
    void pausesBelowHalfTheFollowerTimeoutAreQuiet() {
        assertThat(warning.thresholdMillis()).isEqualTo(150);
        assertThat(warning.observe(0, 0)).isEmpty();
        assertThat(warning.observe(149, 10)).isEmpty();
    }

    @Test
    void theFirstLongPauseIsReportedAtOnceWithTheTimeoutItApproaches() {
        assertThat(warning.observe(212, 1_000)).hasValue("this process stalled for 212 ms, at least half the follower"
                + " timeout (300 ms): a leader stalled that long loses its lease and the others elect a new one. Look for"
                + " GC pauses (-Xlog:gc), CPU starvation or steal, or swapping; or raise cluster.timings.follower_timeout.");
    }

    @Test
    void laterPausesAreCountedAndReportedOncePerPeriodWithTheLongest() {
        assertThat(warning.observe(200, 1_000)).isPresent();
        assertThat(warning.observe(400, 2_000)).isEmpty();
        assertThat(warning.observe(160, 30_000)).isEmpty();
        assertThat(warning.observe(0, 60_999)).isEmpty();
        assertThat(warning.observe(0, 61_000)).get().asString()
                .startsWith("this process stalled 2 times since the last warning, the longest for 400 ms,");
        assertThat(warning.observe(0, 200_000)).as("nothing pending, nothing to say").isEmpty();
        assertThat(warning.observe(150, 200_010)).get().asString().startsWith("this process stalled for 150 ms,");
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> new PauseWarning(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
