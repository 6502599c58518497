package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void oneLinePerSourcePerPeriodWithTheCountOfWhatWasHeldBack() {
        WarningThrottle throttle = new WarningThrottle(60 * SECOND, 16);
        long t = 5 * SECOND;
        assertThat(throttle.admit("192.0.2.7", t)).isEqualTo(OptionalLong.of(0));
        for (int i = 1; i <= 1000; i++) {
            assertThat(throttle.admit("192.0.2.7", t + i * 50_000_000L)).isEmpty();
        }
        assertThat(throttle.admit("192.0.2.8", t + SECOND)).as("another address has its own line")
                .isEqualTo(OptionalLong.of(0));
        assertThat(throttle.admit("192.0.2.7", t + 60 * SECOND)).isEqualTo(OptionalLong.of(1000));
        assertThat(throttle.suffix(1000)).isEqualTo(" (1000 more from this address in the last 60 s not logged)");
        assertThat(throttle.suffix(0)).isEmpty();
        assertThat(throttle.admit("192.0.2.7", t + 61 * SECOND)).isEmpty();
        assertThat(throttle.admit("192.0.2.7", t + 200 * SECOND)).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void aScanFromManyAddressesKeepsMemoryBounded() {
        WarningThrottle throttle = new WarningThrottle(60 * SECOND, 16);
        for (int i = 0; i < 10_000; i++) throttle.admit("10.0." + (i >> 8) + "." + (i & 255), i);
        assertThat(throttle.admit("10.0.0.0", 10_001)).as("forgotten long ago: logged again")
                .isEqualTo(OptionalLong.of(0));
        assertThat(throttle.admit("10.0.39.15", 10_002)).as("seen just now: held back").isEmpty();
    }
}
