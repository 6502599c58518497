package dev.baton.election.transport;

import java.util.Map;

/**
 * A snapshot of transport counters. {@code dropped} maps a reason (see {@link DropReason}) to the number of
 * frames or connections dropped for it.
 */
public record TransportStats(long framesSent, long framesReceived, long connectionsAccepted, long connectionsDialed,
                             Map<DropReason, Long> dropped) {
    public TransportStats {
        dropped = Map.copyOf(dropped);
    }

    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }
}
