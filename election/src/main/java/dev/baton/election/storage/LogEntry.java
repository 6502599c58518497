package dev.baton.election.storage;

import java.util.Arrays;

/**
 * One entry of the replicated log. {@code index} starts at 1; {@code term} is the term of the leader that
 * created it. {@link Kind#NOOP} entries are written by a new leader to commit its predecessors' entries
 * (Raft §5.4.2); they are never delivered to the application.
 */
public record LogEntry(long index, long term, Kind kind, byte[] data) {

    public enum Kind {
        NOOP((byte) 0), DATA((byte) 1);

        public final byte code;

        Kind(byte code) {
            this.code = code;
        }

        public static Kind ofCode(byte code) {
            return switch (code) {
                case 0 -> NOOP;
                case 1 -> DATA;
                default -> throw new IllegalArgumentException("unknown log entry kind " + code);
            };
        }
    }

    public LogEntry {
        if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
        if (term < 1) throw new IllegalArgumentException("term must be >= 1: " + term);
        if (kind == null || data == null) throw new NullPointerException("kind and data are required");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && e.index == index && e.term == term && e.kind == kind
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term) * 17 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "LogEntry[" + index + "@" + term + " " + kind + " " + data.length + "B]";
    }
}
