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
}
