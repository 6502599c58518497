package dev.baton.agent.dns;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A receive call that keeps failing is retried ever more slowly, up to a second; one success resets it. */
class ReceiveErrorPauseTest {

    @Test
    void anIsolatedErrorIsRetriedAtOnceAPersistentOneBacksOffToASecond() {
        ReceiveErrorPause pause = new ReceiveErrorPause();
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 14; i++) pauses.add(pause.failed());
        assertThat(pauses).containsExactly(0L, 1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 1000L, 1000L, 1000L);

        pause.succeeded();
        assertThat(pause.failed()).isZero();
        assertThat(pause.failed()).isEqualTo(1);
    }
}
