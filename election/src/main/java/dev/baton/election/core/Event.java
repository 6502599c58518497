package dev.baton.election.core;

import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.Snapshot;

/** What the state machine reports to the application, in order. */
public sealed interface Event {
    record GainedLeadership(long term) implements Event {
    }

    record LostLeadership(long term) implements Event {
    }

    /** {@code leaderId} 0: no leader known. */
    record LeaderChanged(int leaderId, long term) implements Event {
    }

    record Appended(LogEntry entry) implements Event {
    }

    record Committed(LogEntry entry) implements Event {
    }

    record SnapshotInstalled(Snapshot snapshot) implements Event {
    }

    record AppMessage(int from, byte[] data) implements Event {
    }

    /**
     * The round trip to a majority of peers ({@code rttNanos}, the lowest of the latest pings: the stalls that
     * loss causes are what the rule's slack is for) is
     * too long for this node's follower timeout ({@code tooSlow}), or no longer is. {@code candidateRetryNanos}
     * is the retry the node now uses; {@code neededFollowerTimeoutMillis} the follower timeout the rule asks for.
     */
    record SlowPeers(boolean tooSlow, long rttNanos, long candidateRetryNanos, long neededFollowerTimeoutMillis)
            implements Event {
    }
}
