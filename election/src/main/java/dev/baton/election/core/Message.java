package dev.baton.election.core;

import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.Snapshot;

import java.util.List;

/**
 * The protocol's messages. Requests that start a round carry the sender's incarnation (random per process
 * start) and its local send time; replies echo both, so a reply can be timed from the send of the request
 * it answers (leases, freshness) and replies to an earlier incarnation are ignored.
 */
public sealed interface Message {

    /** What every node tells its peers about itself, piggybacked on pings and pongs. */
    record View(long term, int leaderId, long leaderContactAgoNanos, long commitIndex, long lastIndex,
                boolean seesMajority, boolean amnesiac) {
    }

    /** Failure detector, all to all, every heartbeat. */
    record Ping(long incarnation, long sentNanos, View view) implements Message {
    }

    record Pong(long incarnation, long echoNanos, View view) implements Message {
    }

    /** A candidate asks for an exclusive, time-bounded promise for {@code term}. */
    record Prepare(long term, long incarnation, long sentNanos, long lastIndex) implements Message {
    }

    /** Granted: the sender promises the candidate {@code term} and reports its log, for recovery. */
    record Promise(long term, long incarnation, long echoNanos, long lastIndex, long lastTerm, long commitIndex)
            implements Message {
    }

    /**
     * Not granted. {@code currentTerm} lets a stale candidate catch up; {@code retryAfterNanos} is how long the
     * refusing node's promise to another still runs (0 if the refusal is not about a promise).
     */
    record Refuse(long term, long incarnation, long echoNanos, long currentTerm, long retryAfterNanos, int leaderId)
            implements Message {
    }

    /** Leader heartbeat and replication (Raft's AppendEntries), optionally led by a snapshot to install. */
    record Append(long term, long incarnation, long sentNanos, long prevIndex, long prevTerm, long leaderCommit,
                  Snapshot snapshot, List<LogEntry> entries) implements Message {
        public Append {
            entries = List.copyOf(entries);
        }
    }

    /** {@code matchIndex}: on success, the last index known to match the leader's log. */
    record AppendAck(long term, long incarnation, long echoNanos, boolean success, long matchIndex, long lastIndex)
            implements Message {
    }

    /** A candidate that won its majority asks the member with the best log for its entries from {@code fromIndex}. */
    record FetchLog(long term, long fromIndex, long expectLastIndex, long expectLastTerm) implements Message {
    }

    /** The answer to {@link FetchLog}; {@code ok} false if the log no longer matches what was promised. */
    record LogSuffix(long term, boolean ok, Snapshot snapshot, List<LogEntry> entries) implements Message {
        public LogSuffix {
            entries = List.copyOf(entries);
        }
    }

    /** The leader of {@code term} stepped down: promises given to it are void. */
    record Release(long term) implements Message {
    }

    /** The leader of {@code term} stepped down in favour of the receiver, who should stand at once. */
    record HandOver(long term) implements Message {
    }

    /** An application message ({@code ElectionNode.send}). */
    record AppData(byte[] data) implements Message {
    }
}
