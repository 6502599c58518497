package dev.baton.election.sim;

import dev.baton.election.core.Event;
import dev.baton.election.storage.LogEntry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants, checked after every step of a {@link Simulation}:
 * <ul>
 * <li>no two nodes act as leader at the same instant of real time (their acting intervals, from gained
 *     leadership to the real time at which their lease ends or they stop, never overlap);</li>
 * <li>what a node <i>does</i> as leader is inside its own acting interval and outside everyone else's: at every
 *     step, a node whose {@code isLeading} is true, and at every accepted append the node that accepted it,
 *     must have gained leadership, be within its lease, and no other node's interval may cover the instant
 *     (the intervals alone trust the Gained/Lost events, not {@code append} or {@code isLeading});</li>
 * <li>one leader per term; terms of successive leaderships strictly increase, also across restarts;</li>
 * <li>committed entries are never lost, changed or reordered: every node delivers index after index, each
 *     equal to what any node delivered at that index; snapshots match the committed prefix;</li>
 * <li>callbacks in order: gained and lost alternate, with the same term.</li>
 * </ul>
 */
final class SafetyChecker {
    private static final class Interval {
        final int node;
        final long term;
        final long start;
        long end;
        boolean open = true;

        Interval(int node, long term, long start, long end) {
            this.node = node;
            this.term = term;
            this.start = start;
            this.end = end;
        }
    }

    private final Simulation sim;
    private final List<Interval> intervals = new ArrayList<>();
    private final Map<Integer, Interval> open = new HashMap<>();
    private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
    private final Map<Long, LogEntry> committed = new HashMap<>();
    private final Map<Long, Long> hashAt = new HashMap<>();
    private long highestGainedTerm;
    long maxCommitted;
    int leaderships;

    SafetyChecker(Simulation sim) {
        this.sim = sim;
        hashAt.put(0L, 0L);
    }

    void onEvent(SimNode n, Event e) {
        sim.record(n.id, e instanceof Event.Committed || e instanceof Event.Appended ? new Described(e) : e);
        if (e instanceof Event.GainedLeadership g) onGained(n, g.term());
        else if (e instanceof Event.LostLeadership l) onLost(n, l.term());
        else if (e instanceof Event.Committed c) onCommitted(n, c.entry());
        else if (e instanceof Event.SnapshotInstalled s) onSnapshot(n, s.snapshot().index(), s.snapshot().data());
    }

    /** Events whose records hold byte arrays: hashed and shown by content. */
    private record Described(Event e) {
        @Override
        public int hashCode() {
            return e instanceof Event.Committed c ? c.entry().hashCode() * 3 : ((Event.Appended) e).entry().hashCode() * 5;
        }

        @Override
        public String toString() {
            return describe(e);
        }
    }

    private static String describe(Event e) {
        if (e instanceof Event.Committed c) return "commit " + c.entry();
        if (e instanceof Event.Appended a) return "append " + a.entry();
        return e.toString();
    }

    private void onGained(SimNode n, long term) {
        if (n.gained) sim.fail("n" + n.id + " gained leadership of term " + term + " twice without losing it");
        if (n.witness) sim.fail("witness n" + n.id + " gained leadership");
        Integer other = leaderOfTerm.putIfAbsent(term, n.id);
        if (other != null) sim.fail("two leaders in term " + term + ": n" + other + " and n" + n.id);
        if (term <= highestGainedTerm) {
            sim.fail("term " + term + " gained by n" + n.id + " after term " + highestGainedTerm + ": terms went back");
        }
        highestGainedTerm = term;
        n.gained = true;
        n.lastGainedTerm = term;
        leaderships++;
        Interval iv = new Interval(n.id, term, sim.now, Math.max(sim.now, n.real(n.core.leaseEnd())));
        intervals.add(iv);
        open.put(n.id, iv);
        checkOverlap(iv);
    }

    private void onLost(SimNode n, long term) {
        if (!n.gained || n.lastGainedTerm != term) {
            sim.fail("n" + n.id + " lost leadership of term " + term + " it had not gained");
        }
        n.gained = false;
        close(n.id, sim.now);
    }

    void onCrash(SimNode n) {
        n.gained = false;
        close(n.id, sim.now);
    }

    private void close(int node, long at) {
        Interval iv = open.remove(node);
        if (iv != null) {
            iv.end = Math.min(iv.end, at);
            iv.open = false;
        }
    }

    /**
     * Acting invariant: {@code n} acts as leader now ({@code what}: it says it leads, or it accepted an append).
     */
    void onActing(SimNode n, String what) {
        long local = n.local(sim.now);
        if (!n.gained) sim.fail("n" + n.id + " " + what + " without having gained leadership");
        if (local >= n.core.leaseEnd()) {
            sim.fail("n" + n.id + " " + what + " " + (local - n.core.leaseEnd()) / 1000 + " us after its lease ended");
        }
        for (Interval o : intervals) {
            if (o.node != n.id && o.start <= sim.now && sim.now < o.end) {
                sim.fail(String.format("n%d %s at %.3f ms while n%d (term %d) acts over [%.3f, %.3f] ms", n.id, what,
                        sim.now / 1e6, o.node, o.term, o.start / 1e6, o.end / 1e6));
            }
        }
    }

    /** A leader's acting interval grows as its lease is renewed; a paused node renews nothing. */
    void afterStep() {

        for (Interval iv : open.values()) {
            SimNode n = sim.node(iv.node);
            if (!n.up || n.paused) continue;
            long end = n.real(n.core.leaseEnd());
            if (end > iv.end) {
                iv.end = end;
                checkOverlap(iv);
            }
        }
        for (SimNode n : sim.nodes) {
            if (n.up && !n.paused && n.core.isLeading(n.local(sim.now))) onActing(n, "says it leads");
        }
    }

    private void checkOverlap(Interval iv) {
        for (Interval o : intervals) {
            if (o == iv || o.node == iv.node) continue;
            if (Math.max(o.start, iv.start) < Math.min(o.end, iv.end)) {
                sim.fail(String.format("two leaders act at once: n%d (term %d) over [%.3f, %.3f] ms and n%d (term %d)"
                                + " over [%.3f, %.3f] ms", o.node, o.term, o.start / 1e6, o.end / 1e6, iv.node,
                        iv.term, iv.start / 1e6, iv.end / 1e6));
            }
        }
    }

    private void onCommitted(SimNode n, LogEntry e) {
        if (n.core.role() == dev.baton.election.Role.LEADER) n.leaderCommits.merge(n.core.term(), 1, Integer::sum);
        if (e.index() != n.appliedIndex + 1) {
            sim.fail("n" + n.id + " delivered index " + e.index() + " after " + n.appliedIndex + ": gap or reorder");
        }
        LogEntry first = committed.putIfAbsent(e.index(), e);
        if (first != null && !first.equals(e)) {
            sim.fail("committed entry changed at index " + e.index() + ": " + first + " on one node, " + e + " on n" + n.id);
        }
        n.appliedIndex = e.index();
        n.appliedHash = mix(n.appliedHash, e);
        hashAt.putIfAbsent(e.index(), n.appliedHash);
        if (hashAt.get(e.index()) != n.appliedHash) sim.fail("n" + n.id + " state diverged at index " + e.index());
        maxCommitted = Math.max(maxCommitted, e.index());
        sim.maybeCompact(n);
    }

    private void onSnapshot(SimNode n, long index, byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        long snapIndex = b.getLong();
        long snapHash = b.getLong();
        if (snapIndex != index) sim.fail("n" + n.id + " snapshot at " + index + " holds the state of " + snapIndex);
        Long expected = hashAt.get(index);
        if (expected == null || expected != snapHash) {
            sim.fail("n" + n.id + " installed a snapshot at " + index + " that is not the committed state");
        }
        if (index < n.appliedIndex) sim.fail("n" + n.id + " went back from " + n.appliedIndex + " to snapshot " + index);
        n.appliedIndex = index;
        n.appliedHash = snapHash;
    }

    private static long mix(long h, LogEntry e) {
        h = h * 31 + e.index();
        h = h * 31 + e.term();
        h = h * 31 + e.kind().code;
        h = h * 31 + Arrays.hashCode(e.data());
        return h;
    }

    int distinctLeaderTerms() {
        return leaderOfTerm.size();
    }
}
