package dev.baton.election.sim;

import dev.baton.election.ElectionConfig;
import dev.baton.election.Member;
import dev.baton.election.NotLeaderException;
import dev.baton.election.Timings;
import dev.baton.election.core.ElectionCore;
import dev.baton.election.core.Event;
import dev.baton.election.core.Message;
import dev.baton.election.core.MessageCodec;
import dev.baton.election.core.Outbox;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A seeded, virtual-time cluster: every node runs the real {@link ElectionCore} over a simulated network
 * (latency, loss, duplication, reordering, partitions, single cut links), with crashes, restarts with or
 * without disk, pauses and clock-rate drift. Every message goes through the real wire codec. The
 * {@link SafetyChecker} runs after every step. Same seed, same history: {@link #historyHash()}.
 */
final class Simulation {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;

    private record Scheduled(long time, long seq, Runnable action) {
    }

    final long seed;
    final Random rnd;
    final Timings timings;
    final List<SimNode> nodes = new ArrayList<>();
    final SafetyChecker checker;
    private final List<Member> members = new ArrayList<>();
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long seq;
    long now;
    private final int[] life;

    /** Set when the schedule's faults are over: liveness is checked from then on. */
    boolean healed;

    // network
    final boolean[][] cut;
    double lossRate;
    double duplicateRate;
    long minLatency = 200_000; // 0.2 ms
    long maxLatency = 2 * MS;
    /**
     * TCP-like links (wide-area tests): each link delivers in order, and with {@code stallRate} a message is
     * "lost" and retransmitted: it and everything behind it on its link wait {@code stallNanos} more (Linux's
     * retransmission timeout: at least 200 ms, plus the round trip). Off by default: other runs are unchanged.
     */
    boolean inOrderLinks;
    double stallRate;
    long stallNanos;
    private final long[][] linkFreeAt;

    // client
    long appendsAttempted;
    long appendsAccepted;
    long nextValue = 1;
    /** Every {@link Event.SlowPeers} any node reported, in order. */
    final List<Event.SlowPeers> slowPeerReports = new ArrayList<>();
    int compactEvery = 40;

    /** A protocol message in the trace; its hash must not depend on identity (no byte arrays here). */
    private record Sent(int to, Message message) {
        @Override
        public String toString() {
            return "-> n" + to + " " + message;
        }
    }

    private final Trace trace = new Trace(Integer.getInteger("sim.trace", 60));

    Simulation(long seed, int size, int[] witnesses, Timings timings) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.timings = timings;
        for (int id = 1; id <= size; id++) {
            boolean w = false;
            for (int x : witnesses) w |= x == id;
            members.add(new Member(id, "sim", 7400 + id, w));
            nodes.add(new SimNode(id, w));
        }
        life = new int[size + 1];
        cut = new boolean[size + 1][size + 1];
        linkFreeAt = new long[size + 1][size + 1];
        checker = new SafetyChecker(this);
    }

    SimNode node(int id) {
        return nodes.get(id - 1);
    }

    // ------------------------------------------------------------------ engine

    void at(long time, Runnable action) {
        queue.add(new Scheduled(time, seq++, action));
    }

    void runUntil(long end) {
        while (!queue.isEmpty() && queue.peek().time <= end) {
            Scheduled s = queue.poll();
            now = s.time;
            s.action.run();
            checker.afterStep();
        }
        now = Math.max(now, end);
    }

    void record(String line) {
        trace.add(now, 0, line);
    }

    void record(int node, Object detail) {
        trace.add(now, node, detail);
    }

    long historyHash() {
        return trace.hash();
    }

    String lastEvents() {
        return trace.dump();
    }

    // ------------------------------------------------------------------ processes

    void start(int id) {
        SimNode n = node(id);
        if (n.up) return;
        life[id]++;
        n.up = true;
        n.paused = false;
        n.pausedInbox.clear();
        n.clockOffset = rnd.nextLong() >>> 4; // nanoTime's origin is arbitrary per process
        n.appliedIndex = 0;
        n.appliedHash = 0;
        n.gained = false;
        ElectionConfig config = new ElectionConfig("sim", id, members, timings);
        int myLife = life[id];
        Outbox out = new Outbox() {
            @Override
            public void send(int to, Message message) {
                transmit(id, myLife, to, message);
            }

            @Override
            public void emit(Event event) {
                if (event instanceof Event.SlowPeers slow) slowPeerReports.add(slow);
                checker.onEvent(n, event);
            }
        };
        record("start n" + id);
        n.core = new ElectionCore(config, n.disk, new Random(rnd.nextLong()), out, n.local(now));
        scheduleTick(n, myLife, now + (long) (rnd.nextDouble() * timings.tickNanos()));
    }

    void crash(int id) {
        SimNode n = node(id);
        if (!n.up || healed) return;
        record("crash n" + id);
        checker.onCrash(n);
        n.up = false;
        n.core = null;
        n.pausedInbox.clear();
        n.disk = n.disk.reopen(); // what was fsynced survives
        life[id]++;
    }

    void wipeDisk(int id) {
        if (node(id).up) return; // only a stopped process can lose its disk
        record("wipe n" + id);
        node(id).disk = node(id).disk.wiped();
    }

    /** A graceful stop (SIGTERM): the node resigns, lets its last messages leave, then its process ends. */
    void resignAndStop(int id) {
        SimNode n = node(id);
        if (!n.up || n.paused || healed) return;
        record("resign n" + id);
        n.core.resign(n.local(now));
        at(now + 20 * MS, () -> crash(id));
    }

    void pause(int id) {
        SimNode n = node(id);
        if (!n.up || n.paused || healed) return;
        record("pause n" + id);
        n.paused = true;
    }

    void resume(int id) {
        SimNode n = node(id);
        if (!n.up || !n.paused) return;
        record("resume n" + id);
        n.paused = false;
        while (!n.pausedInbox.isEmpty() && n.up && !n.paused) {
            n.pausedInbox.poll().run();
            checker.afterStep();
        }
    }

    private void scheduleTick(SimNode n, int myLife, long at) {
        at(at, () -> {
            if (life[n.id] != myLife || !n.up) return;
            if (!n.paused) {
                n.core.onTick(n.local(now));
                n.core.flush(n.local(now));
            }
            scheduleTick(n, myLife, now + (long) (timings.tickNanos() / n.clockRate));
        });
    }

    private void transmit(int from, int fromLife, int to, Message message) {
        if (cut[from][to] || cut[to][from]) return;
        if (lossRate > 0 && rnd.nextDouble() < lossRate) return;
        // The real codec, both ways: what the simulator proves is about the bytes we send.
        byte[] bytes = MessageCodec.encode(message);
        if (!(message instanceof Message.Ping || message instanceof Message.Pong || message instanceof Message.Append
                || message instanceof Message.AppendAck)) {
            record(from, new Sent(to, message));
        }
        int toLife = life[to];
        if (!node(to).up) return;
        int copies = duplicateRate > 0 && rnd.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long latency = minLatency + (long) (rnd.nextDouble() * (maxLatency - minLatency));
            long arrival = now + latency;
            if (inOrderLinks) {
                if (stallRate > 0 && rnd.nextDouble() < stallRate) arrival += stallNanos;
                arrival = Math.max(arrival, linkFreeAt[from][to]);
                linkFreeAt[from][to] = arrival;
            }
            at(arrival, () -> deliver(from, to, toLife, bytes));
        }
    }

    private void deliver(int from, int to, int toLife, byte[] bytes) {
        SimNode n = node(to);
        if (life[to] != toLife || !n.up) return; // the connection died with the process
        if (cut[from][to] || cut[to][from]) return;
        Runnable handle = () -> {
            if (life[to] != toLife || !n.up) return;
            n.core.onMessage(from, MessageCodec.decode(bytes), n.local(now));
            n.core.flush(n.local(now));
        };
        if (n.paused) n.pausedInbox.add(handle);
        else handle.run();
    }

    // ------------------------------------------------------------------ client and application

    /** A client appends to whichever node accepts (the leader), as a real one would. */
    void clientAppend() {
        appendsAttempted++;
        for (SimNode n : nodes) {
            if (!n.up || n.paused) continue;
            byte[] data = ByteBuffer.allocate(8).putLong(nextValue).array();
            try {
                n.core.append(data, n.local(now));
                nextValue++;
                appendsAccepted++;
                return;
            } catch (NotLeaderException e) {
                // try the next node
            }
        }
    }

    void clientLoad(long from, long until, long every) {
        for (long t = from; t < until; t += every) at(t, this::clientAppend);
    }

    /** The application compacts every few entries, so followers also catch up by snapshot. */
    void maybeCompact(SimNode n) {
        if (compactEvery > 0 && n.appliedIndex % compactEvery == 0 && n.appliedIndex > 0) {
            // Like the real driver: the callback asks, the protocol thread compacts after the current input.
            long index = n.appliedIndex;
            byte[] state = ByteBuffer.allocate(16).putLong(index).putLong(n.appliedHash).array();
            int myLife = life[n.id];
            at(now, () -> {
                if (life[n.id] == myLife && n.up && n.core.commitIndex() >= index) n.core.compact(index, state);
            });
        }
    }

    // ------------------------------------------------------------------ network faults

    void cutLink(int a, int b) {
        if (healed) return;
        record("cut n" + a + "-n" + b);
        cut[a][b] = true;
        cut[b][a] = true;
    }

    void isolate(int id) {
        if (healed) return;
        record("isolate n" + id);
        for (SimNode o : nodes) if (o.id != id) {
            cut[id][o.id] = true;
            cut[o.id][id] = true;
        }
    }

    void partition(List<Integer> side) {
        if (healed) return;
        record("partition " + side);
        for (SimNode a : nodes) for (SimNode b : nodes) {
            if (side.contains(a.id) != side.contains(b.id)) cut[a.id][b.id] = true;
        }
    }

    void healNetwork() {
        record("heal");
        for (boolean[] row : cut) java.util.Arrays.fill(row, false);
        lossRate = 0;
        duplicateRate = 0;
    }

    /** Ends every fault: network healed, pauses ended, crashed nodes restarted with their disks. */
    void healAll() {
        healNetwork();
        healed = true; // fault events still queued from the schedule no longer apply
        for (SimNode n : nodes) {
            if (!n.up) start(n.id);
            else if (n.paused) resume(n.id);
        }
    }

    /** The node that currently acts as leader, or null. */
    SimNode actingLeader() {
        for (SimNode n : nodes) {
            if (n.up && !n.paused && n.core.isLeading(n.local(now))) return n;
        }
        return null;
    }

    void fail(String what) {
        throw new SimulationViolation(what + "\n  seed " + seed + " (replay: -Dsim.seed=" + seed + ")"
                + "\n  at t=" + now / MS + " ms\n  last events:\n" + lastEvents());
    }
}
