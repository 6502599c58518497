package dev.baton.election.storage;

import java.util.Arrays;

/**
 * The application's state after applying every entry up to and including {@code index} (whose term is
 * {@code term}). Index 0 with empty data is the empty initial state.
 */
public record Snapshot(long index, long term, byte[] data) {

    public static final Snapshot EMPTY = new Snapshot(0, 0, new byte[0]);

    public Snapshot {
        if (index < 0 || term < 0) throw new IllegalArgumentException("negative snapshot index or term");
        if (data == null) throw new NullPointerException("data");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && s.index == index && s.term == term && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Snapshot[" + index + "@" + term + " " + data.length + "B]";
    }
}
