package dev.baton.election.sim;

import java.util.ArrayDeque;

/** The last lines of a run, for failure reports, and a hash over all of them, for replay checks. */
final class Trace {
    private final int keep;
    private final ArrayDeque<String> last = new ArrayDeque<>();
    private long hash = 0xcbf29ce484222325L;

    Trace(int keep) {
        this.keep = keep;
    }

    void add(long timeNanos, String line) {
        String full = String.format("%9.3f ms  %s", timeNanos / 1e6, line);
        for (int i = 0; i < full.length(); i++) {
            hash ^= full.charAt(i);
            hash *= 0x100000001b3L; // FNV-1a
        }
        last.addLast(full);
        if (last.size() > keep) last.removeFirst();
    }

    long hash() {
        return hash;
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        for (String s : last) sb.append("    ").append(s).append('\n');
        return sb.toString();
    }
}
