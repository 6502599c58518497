package dev.baton.election.core;

import dev.baton.election.ElectionConfig;
import dev.baton.election.Member;
import dev.baton.election.Timings;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.AppendAck;
import dev.baton.election.core.Message.Ping;
import dev.baton.election.core.Message.Pong;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.Promise;
import dev.baton.election.core.Message.View;
import dev.baton.election.storage.MemoryStorage;
import dev.baton.election.storage.RecoveryState;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One {@link ElectionCore} driven message by message on virtual time, its peers played by the test: the lease,
 * promise, commit and recovery rules checked one input at a time. Members are ids 1..n, none a witness; what
 * the core sends and emits is recorded in order. The core is the real one; nothing here reaches inside it.
 */
final class CoreDriver {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;
    static final Timings TIMINGS = Timings.DEFAULTS;
    /** A peer's incarnation in the messages the test plays for it. */
    static final long PEER_INCARNATION = 77;

    record Sent(int to, Message message) {
    }

    final ElectionConfig config;
    final List<Sent> sent = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    MemoryStorage disk;
    ElectionCore core;
    /** The core's incarnation: replies must echo it to count. */
    long incarnation;
    long now;
    private int starts;

    private final Outbox out = new Outbox() {
        @Override
        public void send(int to, Message message) {
            sent.add(new Sent(to, message));
        }

        @Override
        public void emit(Event event) {
            events.add(event);
        }
    };

    /** Member {@code self} of {@code size}, started at time 0 on {@code disk}. */
    CoreDriver(int self, int size, MemoryStorage disk) {
        List<Member> members = new ArrayList<>();
        for (int id = 1; id <= size; id++) members.add(new Member(id, "n" + id, 7400 + id, false));
        this.config = new ElectionConfig("test", self, members, TIMINGS);
        this.disk = disk;
        start();
    }

    /** Member {@code self} of {@code size} on a disk that has been written before (not a lost one). */
    static CoreDriver member(int self, int size) {
        return new CoreDriver(self, size, usedDisk());
    }

    /** A disk that has been written, with nothing on it: the node is not amnesiac. */
    static MemoryStorage usedDisk() {
        MemoryStorage d = new MemoryStorage();
        d.load();
        d.saveRecovery(RecoveryState.NONE);
        return d.reopen();
    }

    private void start() {
        long seed = ++starts;
        incarnation = new Random(seed).nextLong(); // the core draws its incarnation first
        core = new ElectionCore(config, disk, new Random(seed), out, now);
    }

    /** A crash and restart on the same disk. */
    void restart() {
        disk = disk.reopen();
        start();
    }

    void advance(long nanos) {
        now += nanos;
    }

    void tick() {
        core.onTick(now);
    }

    /** A message from {@code from}, then the flush the driver does after draining its input. */
    void receive(int from, Message m) {
        core.onMessage(from, m, now);
        core.flush(now);
    }

    /** The latest message of {@code type} the core sent to {@code to}. */
    <T extends Message> T last(int to, Class<T> type) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            Sent s = sent.get(i);
            if (s.to() == to && type.isInstance(s.message())) return type.cast(s.message());
        }
        throw new AssertionError("nothing of " + type.getSimpleName() + " sent to n" + to + ": " + sent);
    }

    /** The messages of {@code type} the core sent to {@code to}, in order. */
    <T extends Message> List<T> all(int to, Class<T> type) {
        List<T> r = new ArrayList<>();
        for (Sent s : sent) if (s.to() == to && type.isInstance(s.message())) r.add(type.cast(s.message()));
        return r;
    }

    <T extends Event> List<T> emitted(Class<T> type) {
        List<T> r = new ArrayList<>();
        for (Event e : events) if (type.isInstance(e)) r.add(type.cast(e));
        return r;
    }

    /** What a follower with {@code lastIndex} entries and no leader tells about itself. */
    static View peerView(long lastIndex) {
        return new View(0, 0, Long.MAX_VALUE, 0, lastIndex, true, false);
    }

    /** One ping round: the core pings, each of {@code peers} answers it and pings back with an empty log. */
    void hear(int... peers) {
        hear(peerView(0), peers);
    }

    /** One ping round in which each of {@code peers} reports {@code view}; a due ping goes out first. */
    void hear(View view, int... peers) {
        core.onTick(now);
        for (int p : peers) {
            Ping ping = last(p, Ping.class);
            receive(p, new Pong(ping.incarnation(), ping.sentNanos(), view));
            receive(p, new Ping(PEER_INCARNATION + p, now, view));
        }
    }

    /**
     * Makes this core (which must be the lowest id) a candidate: past the promise period after its start, it
     * hears {@code peers} and stands on the next tick. Returns the term it stands for.
     */
    long stand(int... peers) {
        now = Math.max(now, TIMINGS.promiseNanos());
        hear(peers);
        advance(TIMINGS.tickNanos());
        tick();
        return last(peers[0], Prepare.class).term();
    }

    /** {@code peer} promises the candidacy, reporting a log that ends at {@code lastIndex}@{@code lastTerm}. */
    void promise(int peer, long lastIndex, long lastTerm) {
        Prepare p = last(peer, Prepare.class);
        receive(peer, new Promise(p.term(), p.incarnation(), p.sentNanos(), lastIndex, lastTerm, 0));
    }

    /** {@code peer} acknowledges the latest Append sent to it as fully applied (it now holds all of it). */
    void ack(int peer) {
        Append a = last(peer, Append.class);
        long match = a.prevIndex() + a.entries().size();
        receive(peer, new AppendAck(a.term(), a.incarnation(), a.sentNanos(), true, match, match));
    }

    /**
     * Elects this core (the lowest id, on an empty log) with {@code peers}' promises and their acknowledgements
     * of its no-op, each answer arriving {@code delay} after the message it answers. Returns the term.
     */
    long elect(long delay, int... peers) {
        long term = stand(peers);
        advance(delay);
        for (int p : peers) promise(p, 0, 0);
        advance(delay);
        for (int p : peers) ack(p);
        if (!core.isLeading(now)) throw new AssertionError("not leading after its election: " + events);
        return term;
    }
}
