package dev.baton.election.process;

/**
 * One stdout line of a {@code ClusterNodeMain} process, stamped with the parent's {@link System#nanoTime()} when
 * it was read. Event lines ({@code EVT <epochMillis> <nanoTime> <KIND> <args...>}) are parsed on demand.
 *
 * @param generation which start of the node printed it (0 for the first, 1 after the first restart, ...)
 */
public record OutputLine(int nodeId, int generation, long receivedNanos, String text) {

    /** Whether this is an event of {@code kind} (GAINED, LOST, LEADER, COMMIT, SNAPSHOT, READY, FAILED). */
    public boolean isEvent(String kind) {
        String[] f = fields();
        return f.length >= 4 && f[0].equals("EVT") && f[3].equals(kind);
    }

    /** The event's own nanoTime stamp (the child's CLOCK_MONOTONIC, comparable across local processes). */
    public long eventNanos() {
        return Long.parseLong(fields()[2]);
    }

    /** The {@code i}-th argument after the event kind (0-based). */
    public String eventArg(int i) {
        return fields()[4 + i];
    }

    public long eventLong(int i) {
        return Long.parseLong(eventArg(i));
    }

    /** For a COMMIT event: the data (the rest of the line after index and term). */
    public String commitData() {
        String[] f = text.split(" ", 7);
        return f.length < 7 ? "" : f[6];
    }

    /** The whitespace-separated words of a non-event line, e.g. {@code STATUS LEADER 3 1 12 leading=true}. */
    public String[] words() {
        return text.split(" ");
    }

    public boolean startsWith(String prefix) {
        return text.startsWith(prefix);
    }

    private String[] fields() {
        return text.split(" ", 7);
    }

    @Override
    public String toString() {
        return "node " + nodeId + "#" + generation + ": " + text;
    }
}
