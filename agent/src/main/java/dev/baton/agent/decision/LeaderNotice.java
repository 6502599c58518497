package dev.baton.agent.decision;

/**
 * A new leader's first entry: node {@code node} leads {@code term}. Written to the log, not taken from the
 * local election callbacks, so the history of leader changes is the same on every node (a node that was down
 * during an election still learns of it).
 *
 * @param atEpochMillis the new leader's wall clock when it began deciding (audit only)
 */
public record LeaderNotice(int node, long term, long atEpochMillis) implements HistoryItem {
    public LeaderNotice {
        if (node <= 0) throw new IllegalArgumentException("node id must be positive: " + node);
        if (term < 0) throw new IllegalArgumentException("negative term: " + term);
    }
}
