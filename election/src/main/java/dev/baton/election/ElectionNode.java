package dev.baton.election;

import dev.baton.election.core.ElectionCore;
import dev.baton.election.core.Event;
import dev.baton.election.core.MalformedMessageException;
import dev.baton.election.core.Message;
import dev.baton.election.core.MessageCodec;
import dev.baton.election.core.Outbox;
import dev.baton.election.storage.FileStorage;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.Storage;
import dev.baton.election.transport.TcpTransport;
import dev.baton.election.transport.Transport;
import dev.baton.election.transport.TransportConfig;
import dev.baton.election.transport.TransportStats;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One running member of a Baton cluster: the {@link ElectionCore} state machine driven by one protocol
 * thread, over a durable {@link Storage} and an authenticated {@link Transport}, with callbacks delivered
 * in order on one callback thread.
 *
 * <pre>{@code
 * ElectionNode node = ElectionNode.builder(config)
 *         .dataDirectory(Path.of("data/node1"))
 *         .clusterKey(key)
 *         .listener(myListener)
 *         .start();
 * if (node.isLeader()) node.append(bytes).join();   // completes with the commit index
 * }</pre>
 *
 * <p>Thread-safety: every public method may be called from any thread. None blocks on the network;
 * {@link #close()} waits up to a second for the threads to stop.
 */
public final class ElectionNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ElectionNode.class.getName());
    private static final int MAX_QUEUED_INPUTS = 100_000;

    private final ElectionConfig config;
    private final Storage storage;
    private final Transport transport;
    private final ElectionListener listener;
    /** Null unless the application inspects entries on the protocol thread ({@link Builder#inspector}). */
    private final LogInspector inspector;
    private final LongSupplier clock;
    private final BlockingQueue<Runnable> inputs = new LinkedBlockingQueue<>(MAX_QUEUED_INPUTS);
    private final ExecutorService callbacks;
    private final Thread protocolThread;
    private final ElectionCore core;
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final Map<Long, PendingAppend> pending = new HashMap<>(); // protocol thread only

    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile NodeStatus status;
    private volatile long leadingUntil = Long.MIN_VALUE;
    private volatile long leadingTerm;
    private volatile long majorityContactAt = Long.MIN_VALUE;
    private volatile long highestKnownCommit;
    /** The highest committed index whose callbacks (no-ops included) have all run. */
    private volatile long deliveredIndex;
    /**
     * Every entry up to here has been shown to the application, no-ops included: inspected on the protocol thread
     * when it has an {@link LogInspector} (the only writer then), else through onAppend or onCommit.
     */
    private volatile long appendedThrough;
    /** Increases of the known commit index not yet delivered, oldest first (protocol thread writes). */
    private final java.util.concurrent.ConcurrentLinkedDeque<CommitLearned> commitsLearned =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_COMMITS_LEARNED = 1024;
    /** The last time, with fresh majority contact, that every known commit had been delivered. */
    private volatile long caughtUpAt = Long.MIN_VALUE;
    private volatile boolean commitConfirmed;
    private long nextSilentLinkCheck; // protocol thread only

    private record PendingAppend(long index, long term, CompletableFuture<Long> future) {
    }

    private ElectionNode(Builder b) {
        this.config = b.config;
        this.listener = b.listener;
        this.inspector = b.inspector;
        this.clock = b.clock;
        this.storage = b.storage != null ? b.storage : new FileStorage(b.dataDirectory);
        this.transport = b.transport != null ? b.transport : new TcpTransport(transportConfig(b));
        int self = config.selfId();
        this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "baton-election-" + self + "-callbacks"));
        Outbox outbox = new Outbox() {
            @Override
            public void send(int to, Message message) {
                transport.send(to, MessageCodec.encode(message));
            }

            @Override
            public void emit(Event event) {
                onEvent(event);
            }
        };
        this.core = new ElectionCore(config, storage, new SecureRandom(), outbox, clock.getAsLong());
        this.status = core.status(clock.getAsLong());
        this.protocolThread = daemon(this::runProtocol, "baton-election-" + self + "-protocol");
        transport.start(this::onPayload);
        protocolThread.start();
    }

    private static TransportConfig transportConfig(Builder b) {
        return transportConfig(b.config, b.clusterKey);
    }

    /**
     * The transport configuration a node of {@code config} uses when it builds its own transport: every member's
     * configured address, and, as the cluster identity bound into every MAC, the cluster name followed by the
     * timings all members must share ({@link Timings#sharedIdentity()}). Give a transport you build yourself this
     * configuration (or one with the same cluster name) so that mismatched members cannot talk.
     */
    public static TransportConfig transportConfig(ElectionConfig config, byte[] clusterKey) {
        Map<Integer, java.net.InetSocketAddress> addresses = new HashMap<>();
        for (Member m : config.members()) addresses.put(m.id(), m.address());
        String identity = config.clusterName() + "/" + config.timings().sharedIdentity();
        return TransportConfig.of(identity, config.selfId(), addresses, clusterKey);
    }

    public static Builder builder(ElectionConfig config) {
        return new Builder(config);
    }

    // ------------------------------------------------------------------ API

    /**
     * Appends {@code data} to the replicated log. The future completes with the entry's index once a majority
     * has persisted it and it is committed, or fails with {@link NotLeaderException} if this node is not the
     * leader or loses leadership first (the entry may then still be committed by the next leader: the outcome
     * is unknown, as for any request to a leader that fails).
     */
    public CompletableFuture<Long> append(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length > Storage.MAX_ENTRY_BYTES) throw new IllegalArgumentException("entry larger than 64 MiB");
        CompletableFuture<Long> f = new CompletableFuture<>();
        byte[] copy = data.clone();
        if (!submit(() -> {
            try {
                long now = clock.getAsLong();
                long index = core.append(copy, now);
                pending.put(index, new PendingAppend(index, core.term(), f));
            } catch (NotLeaderException e) {
                f.completeExceptionally(e);
            }
        })) {
            f.completeExceptionally(new IllegalStateException("node is stopped or overloaded"));
        }
        return f;
    }

    /** Sends an application message to a peer, best effort (dropped if the peer is not connected). */
    public void send(int peerId, byte[] data) {
        if (!config.isMember(peerId) || peerId == config.selfId()) {
            throw new IllegalArgumentException("not a peer: " + peerId);
        }
        transport.send(peerId, MessageCodec.encode(new Message.AppData(data.clone())));
    }

    /** Whether this node leads right now: it gained leadership and its lease, read against the clock now, runs. */
    public boolean isLeader() {
        return clock.getAsLong() < leadingUntil;
    }

    /** The term this node leads right now, the fencing token for its actions; -1 if it does not lead. */
    public long leadingTerm() {
        long term = leadingTerm;
        return isLeader() ? term : -1;
    }

    /**
     * How long this node's lease as leader still runs, read against the clock now; 0 when it does not lead.
     * An action that must complete under the lease (an external write fenced only by time) is sent only when
     * this exceeds its timeout.
     */
    public long leaseRemainingNanos() {
        long now = clock.getAsLong();
        long until = leadingUntil;
        return now < until ? until - now : 0;
    }

    /**
     * Whether this node's delivered state is known to be current: since it started it has learned a commit
     * index from a leader, within {@code withinNanos} (read against the clock now) a majority, this node
     * included, answered a message this node sent, and every commit any member has reported has been delivered
     * to the listener. Timed from our own send, so after a pause the node is
     * not current until fresh answers arrive. Followers use it to serve reads safely.
     */
    public boolean isCurrent(long withinNanos) {
        long now = clock.getAsLong();
        long contact = majorityContactAt;
        if (!commitConfirmed || contact == Long.MIN_VALUE || now - contact > withinNanos) return false;
        if (deliveredIndex >= highestKnownCommit) return true;
        // A commit being delivered right now: a node that was current a moment ago stays current while its
        // callback thread applies it (at most a heartbeat), so answers do not blink at every commit. A node
        // that was not current (cut off, or just resumed) must first deliver everything it knows of.
        long caughtUp = caughtUpAt;
        return caughtUp != Long.MIN_VALUE && now - caughtUp <= config.timings().heartbeatNanos();
    }

    /** The highest committed index whose callbacks, {@link ElectionListener#onCommit} included, have run. */
    public long deliveredIndex() {
        return deliveredIndex;
    }

    /**
     * The highest commit index any member (this one included) has reported: what this node must have applied
     * to be current.
     */
    public long highestKnownCommit() {
        return highestKnownCommit;
    }

    /**
     * The highest index up to which every entry of this node's log has been shown to the application: to its
     * {@link LogInspector} on the protocol thread when it has one, else through {@link ElectionListener#onAppend}
     * or {@link ElectionListener#onCommit} (no-ops, which the application never sees, count as shown). With
     * {@link #highestKnownCommit()} at or below it, the application knows what every entry it has yet to apply
     * contains: enough to stay current for what those entries do not touch.
     */
    public long appendedThrough() {
        return Math.max(appendedThrough, deliveredIndex);
    }

    /**
     * The first two conditions of {@link #isCurrent}, without the third: since it started this node has learned a
     * commit index from a leader, and within {@code withinNanos} a majority answered a message it sent. An
     * application that knows which of its undelivered entries touch what may serve the rest on this.
     */
    public boolean hasFreshMajorityContact(long withinNanos) {
        long contact = majorityContactAt;
        return commitConfirmed && contact != Long.MIN_VALUE && clock.getAsLong() - contact <= withinNanos;
    }

    /**
     * Whether every commit this node knows of has been delivered to the listener, right now, with no grace:
     * a leader must not act on its state before the entries it recovered are applied.
     */
    public boolean hasDeliveredAllKnown() {
        return commitConfirmed && deliveredIndex >= highestKnownCommit;
    }

    /** The status as of the last protocol step (at most one tick old). */
    public NodeStatus status() {
        return status;
    }

    /**
     * The application's state after applying every entry up to {@code index} (which must be committed and
     * delivered) is {@code snapshot}: the log before it may be dropped. Asynchronous.
     */
    public void compact(long index, byte[] snapshot) {
        byte[] copy = snapshot.clone();
        submit(() -> core.compact(index, copy));
    }

    public TransportStats transportStats() {
        return transport.stats();
    }

    /** Payloads that authenticated but did not decode to a protocol message. */
    public long malformedMessages() {
        return malformed.get();
    }

    /** Why the node stopped on its own (a storage failure), or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    public ElectionConfig config() {
        return config;
    }

    /** Steps down if leading (releasing followers, so the next leader need not wait for the lease), then stops. */
    @Override
    public void close() {
        if (!running) return;
        CompletableFuture<Void> resigned = new CompletableFuture<>();
        if (submit(() -> {
            core.resign(clock.getAsLong());
            resigned.complete(null);
        })) {
            try {
                resigned.get(500, TimeUnit.MILLISECONDS);
                Thread.sleep(20); // let the release frames leave before the sockets close
            } catch (Exception e) {
                // stopping anyway
            }
        }
        // No interrupt: it would close the storage's FileChannel mid-write. The loop polls at least every tick.
        running = false;
        try {
            protocolThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        storage.close();
        callbacks.shutdown();
        try {
            callbacks.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ protocol thread

    private boolean submit(Runnable input) {
        if (!running) return false;
        if (!inputs.offer(input)) {
            overflowed.incrementAndGet();
            return false;
        }
        return true;
    }

    private void onPayload(int from, byte[] payload) {
        Message m;
        try {
            m = MessageCodec.decode(payload);
        } catch (MalformedMessageException e) {
            malformed.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "dropped malformed message from node {0}: {1}", from, e.getMessage());
            return;
        }
        if (m instanceof Message.AppData d) {
            deliver(() -> listener.onMessage(from, d.data()));
            return;
        }
        submit(() -> core.onMessage(from, m, clock.getAsLong()));
    }

    private void runProtocol() {
        long tick = config.timings().tickNanos();
        long nextTick = clock.getAsLong();
        try {
            while (running) {
                long wait = nextTick - clock.getAsLong();
                Runnable input = wait > 0 ? inputs.poll(wait, TimeUnit.NANOSECONDS) : inputs.poll();
                while (input != null) {
                    input.run();
                    input = inputs.poll();
                }
                long now = clock.getAsLong();
                if (now - nextTick >= 0) {
                    core.onTick(now);
                    nextTick = now + tick;
                }
                core.flush(now);
                publish(now);
                resetSilentLinks(now);
            }
        } catch (InterruptedException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
            running = false;
            leadingUntil = Long.MIN_VALUE;
            LOG.log(System.Logger.Level.ERROR, "node " + config.selfId() + " stopped: " + t.getMessage(), t);
            transport.close(); // peers must see us gone rather than half alive
            failPending(new IllegalStateException("node stopped: " + t.getMessage(), t));
        }
    }

    /**
     * A peer that answers nothing for two follower timeouts while its TCP connection still looks up: the path
     * may be silently dead (TCP would take minutes to notice), so drop the connection and let it be redialed.
     * libab never monitored such links and waited for a 3 s redial.
     */
    private void resetSilentLinks(long now) {
        if (now < nextSilentLinkCheck) return;
        nextSilentLinkCheck = now + config.timings().promiseNanos();
        for (PeerStatus p : status.peers()) {
            long silence = p.lastContactAgoNanos();
            if (silence > 2 * config.timings().promiseNanos() && transport.isConnected(p.id())) {
                transport.disconnect(p.id());
            }
        }
    }

    private void publish(long now) {
        leadingTerm = core.term();
        leadingUntil = core.isLeading(now) ? core.leaseEnd() : Long.MIN_VALUE;
        status = core.status(now);
        // Commit knowledge first: a reader that sees the new contact time then also sees what it taught us.
        long known = core.highestKnownCommit();
        long previouslyKnown = highestKnownCommit;
        highestKnownCommit = known;
        commitConfirmed = core.commitConfirmed();
        majorityContactAt = core.majorityContactTime(now);
        if (known > previouslyKnown) {
            long contact = majorityContactAt;
            commitsLearned.addLast(new CommitLearned(known, now, commitConfirmed && contact != Long.MIN_VALUE
                    && now - contact <= config.timings().promiseNanos()));
            long delivered = deliveredIndex;
            while (commitsLearned.size() > MAX_COMMITS_LEARNED
                    || !commitsLearned.isEmpty() && commitsLearned.peekFirst().index() <= delivered) {
                commitsLearned.pollFirst();
            }
        }
        markCaughtUp(now);
    }

    /** When this node learned that entries up to {@code index} were committed, and whether it was current then. */
    private record CommitLearned(long index, long atNanos, boolean current) {
    }

    /**
     * Whether this node learned that the entry at {@code index} is committed less than {@code withinNanos} ago
     * (read against the clock now), at a moment when it was in fresh contact with a majority: the per-entry form
     * of {@link #isCurrent}'s grace, for an application that knows which of its undelivered entries touch what.
     * A node that learned of the entry while cut off or paused gets no grace. Any thread; never blocks.
     */
    public boolean learnedCommitRecently(long index, long withinNanos) {
        long now = clock.getAsLong();
        for (CommitLearned c : commitsLearned) {
            if (c.index() >= index) return c.current() && now - c.atNanos() <= withinNanos;
        }
        return false;
    }

    private void markCaughtUp(long now) {
        long contact = majorityContactAt;
        if (commitConfirmed && contact != Long.MIN_VALUE && now - contact <= config.timings().promiseNanos()
                && deliveredIndex >= highestKnownCommit) {
            caughtUpAt = now;
        }
    }

    private void onEvent(Event event) {
        if (event instanceof Event.GainedLeadership g) {
            leadingTerm = g.term();
            deliver(() -> listener.onGainedLeadership(g.term()));
        } else if (event instanceof Event.LostLeadership l) {
            leadingUntil = Long.MIN_VALUE; // before anyone else can ask
            failPending(new NotLeaderException("lost leadership of term " + l.term()
                    + "; the entry may still be committed by the next leader", 0));
            deliver(() -> listener.onLostLeadership(l.term()));
        } else if (event instanceof Event.LeaderChanged c) {
            deliver(() -> listener.onLeaderChanged(c.leaderId(), c.term()));
        } else if (event instanceof Event.Appended a) {
            LogEntry e = a.entry();
            if (inspector != null) inspect(e); // before this thread can learn the entry is committed
            deliver(() -> {
                if (e.kind() == LogEntry.Kind.DATA) listener.onAppend(e.index(), e.term(), e.data());
                if (inspector == null) extendAppendedThrough(e.index());
            });
        } else if (event instanceof Event.Committed c) {
            LogEntry e = c.entry();
            PendingAppend p = pending.remove(e.index());
            deliver(() -> {
                if (e.kind() == LogEntry.Kind.DATA) listener.onCommit(e.index(), e.term(), e.data());
                deliveredIndex = e.index();
                markCaughtUp(clock.getAsLong());
            });
            if (p != null) {
                if (p.term == e.term()) deliver(() -> p.future.complete(e.index()));
                else deliver(() -> p.future.completeExceptionally(
                        new NotLeaderException("entry " + e.index() + " was replaced by another leader's", 0)));
            }
        } else if (event instanceof Event.SnapshotInstalled s) {
            deliver(() -> {
                listener.onSnapshot(s.snapshot().index(), s.snapshot().term(), s.snapshot().data());
                deliveredIndex = s.snapshot().index();
            });
        } else if (event instanceof Event.AppMessage m) {
            deliver(() -> listener.onMessage(m.from(), m.data()));
        } else if (event instanceof Event.SlowPeers slow) {
            logSlowPeers(slow);
        }
    }

    /** The wide-area rule (CONFIGURATION.md, "Wide-area links"): the operator's part of what cannot adapt. */
    private void logSlowPeers(Event.SlowPeers slow) {
        long rttMillis = slow.rttNanos() / 1_000_000;
        if (slow.tooSlow()) {
            long followerTimeout = slow.neededFollowerTimeoutMillis();
            LOG.log(System.Logger.Level.WARNING, "node " + config.selfId() + ": round trip to a majority of peers is "
                    + rttMillis + " ms, too slow for follower_timeout " + config.timings().followerTimeoutMillis()
                    + " ms (rule: follower_timeout >= " + ElectionCore.FOLLOWER_TIMEOUT_RTTS + " x RTT + "
                    + ElectionCore.FOLLOWER_TIMEOUT_SLACK_NANOS / 1_000_000 + " ms); expect"
                    + " spurious elections. Set on every member: follower_timeout: " + followerTimeout
                    + "ms (heartbeat: " + Math.max(config.timings().heartbeatMillis(), followerTimeout / 10)
                    + "ms). Candidate retry adapted to " + slow.candidateRetryNanos() / 1_000_000 + " ms");
        } else {
            LOG.log(System.Logger.Level.INFO, "node " + config.selfId() + ": round trip to a majority of peers is "
                    + rttMillis + " ms, within follower_timeout " + config.timings().followerTimeoutMillis() + " ms");
        }
    }

    private void inspect(LogEntry e) {
        if (e.kind() == LogEntry.Kind.DATA) {
            try {
                inspector.inspect(e.index(), e.term(), e.data());
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "log inspector threw on entry " + e.index(), t);
                // Not inspected: nothing from here on counts as seen until it is delivered.
                if (appendedThrough >= e.index()) appendedThrough = e.index() - 1;
                return;
            }
        }
        extendAppendedThrough(e.index());
    }

    /**
     * Entries reach the log in index order from a truncation point at or below the last one: an entry right
     * after what the application has seen (or replacing part of it) extends what it has seen. One thread writes:
     * the protocol thread with an inspector, the callback thread without.
     */
    private void extendAppendedThrough(long index) {
        if (index <= Math.max(appendedThrough, deliveredIndex) + 1) appendedThrough = index;
    }

    private void failPending(RuntimeException e) {
        List<PendingAppend> failed = List.copyOf(pending.values());
        pending.clear();
        for (PendingAppend p : failed) deliver(() -> p.future.completeExceptionally(e));
    }

    private void deliver(Runnable callback) {
        try {
            callbacks.execute(() -> {
                try {
                    callback.run();
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, "election listener threw", t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // stopping
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Builds and starts an {@link ElectionNode}. */
    public static final class Builder {
        private final ElectionConfig config;
        private Path dataDirectory;
        private byte[] clusterKey;
        private ElectionListener listener = new ElectionListener() {
        };
        private LogInspector inspector;
        private LongSupplier clock = System::nanoTime;
        private Storage storage;
        private Transport transport;

        private Builder(ElectionConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Where term, promise, log and snapshots are kept (created if missing; locked while in use). */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = dir;
            return this;
        }

        /** The shared secret that authenticates every frame (at least 16 bytes; 32 recommended). */
        public Builder clusterKey(byte[] key) {
            this.clusterKey = key.clone();
            return this;
        }

        public Builder listener(ElectionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Shows every application entry to {@code inspector} on the protocol thread as it reaches the log (see
         * {@link LogInspector}); {@link ElectionNode#appendedThrough} then counts inspected entries, so it does not
         * wait for the callback thread: a leader's own entries count as seen before it can learn they are committed.
         * Optional.
         */
        public Builder inspector(LogInspector inspector) {
            this.inspector = Objects.requireNonNull(inspector, "inspector");
            return this;
        }

        /** A monotonic nanosecond clock; {@link System#nanoTime()} by default. */
        public Builder clock(LongSupplier clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Another storage than files in {@link #dataDirectory}. */
        public Builder storage(Storage storage) {
            this.storage = storage;
            return this;
        }

        /** Another transport than TCP to the members' addresses. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** Opens the storage, binds the cluster port and starts the protocol. Throws if either fails. */
        public ElectionNode start() {
            if (storage == null && dataDirectory == null) throw new IllegalStateException("dataDirectory is required");
            if (transport == null && clusterKey == null) throw new IllegalStateException("clusterKey is required");
            return new ElectionNode(this);
        }
    }
}
