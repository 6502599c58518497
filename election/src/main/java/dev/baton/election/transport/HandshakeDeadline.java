package dev.baton.election.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a connection whose handshake is not done by its deadline. A per-read socket timeout would let a peer
 * that trickles one byte at a time hold the connection forever; a deadline does not. Exactly one of
 * {@link #finish()} and the timeout wins, so each failed handshake is counted once.
 */
final class HandshakeDeadline {
    private final AtomicBoolean settled = new AtomicBoolean();
    private final ScheduledFuture<?> timeout;

    HandshakeDeadline(ScheduledExecutorService timer, Duration after, Runnable onTimeout) {
        timeout = timer.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                onTimeout.run();
            }
        }, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Returns true if the handshake ended (either way) before the deadline; false if it timed out. */
    boolean finish() {
        if (settled.compareAndSet(false, true)) {
            timeout.cancel(false);
            return true;
        }
        return false;
    }
}
