package dev.baton.agent.decision;

import java.util.Objects;

/**
 * One item of the replicated history.
 *
 * @param seq   the item's position in the history ever recorded, from 1: the same on every node, the key
 *              {@code GET /v1/history?before=} pages by
 * @param index the log index of the entry that recorded it
 * @param item  a decision (applied or fenced off is told by the state), an operator action, or a leader change
 */
public record HistoryEntry(long seq, long index, HistoryItem item) {
    public HistoryEntry {
        if (seq < 1) throw new IllegalArgumentException("seq must be positive: " + seq);
        Objects.requireNonNull(item, "item");
    }
}
