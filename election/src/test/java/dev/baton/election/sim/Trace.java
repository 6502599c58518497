package dev.baton.election.sim;

import java.util.ArrayDeque;

/**
 * The last lines of a run, for failure reports, and a hash over all of them, for replay checks. Lines are
 * formatted only when dumped: formatting every event would dominate the simulator's run time.
 */
final class Trace {
    private record Line(long time, int node, Object detail) {
        @Override
        public String toString() {
            return String.format("%9.3f ms  %s%s", time / 1e6, node > 0 ? "n" + node + " " : "", detail);
        }
    }

    private final int keep;
    private final ArrayDeque<Line> last = new ArrayDeque<>();
    private long hash = 0xcbf29ce484222325L;

    Trace(int keep) {
        this.keep = keep;
    }

    /** {@code detail}'s hashCode must be deterministic (strings, records of numbers, LogEntry). */
    void add(long timeNanos, int node, Object detail) {
        hash = (hash ^ timeNanos) * 0x100000001b3L;
        hash = (hash ^ node) * 0x100000001b3L;
        hash = (hash ^ detail.hashCode()) * 0x100000001b3L;
        last.addLast(new Line(timeNanos, node, detail));
        if (last.size() > keep) last.removeFirst();
    }

    long hash() {
        return hash;
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        for (Line l : last) sb.append("    ").append(l).append('\n');
        return sb.toString();
    }
}
