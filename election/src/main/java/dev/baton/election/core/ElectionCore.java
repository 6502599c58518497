package dev.baton.election.core;

import dev.baton.election.ElectionConfig;
import dev.baton.election.Member;
import dev.baton.election.NodeStatus;
import dev.baton.election.NotLeaderException;
import dev.baton.election.PeerStatus;
import dev.baton.election.Role;
import dev.baton.election.Timings;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.AppendAck;
import dev.baton.election.core.Message.AppData;
import dev.baton.election.core.Message.FetchLog;
import dev.baton.election.core.Message.HandOver;
import dev.baton.election.core.Message.LogSuffix;
import dev.baton.election.core.Message.Ping;
import dev.baton.election.core.Message.Pong;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.Promise;
import dev.baton.election.core.Message.Refuse;
import dev.baton.election.core.Message.Release;
import dev.baton.election.core.Message.View;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.PersistentState;
import dev.baton.election.storage.RecoveryState;
import dev.baton.election.storage.Snapshot;
import dev.baton.election.storage.Storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.baton.election.core.PeerState.NEVER;

/**
 * The election and atomic-broadcast protocol of one node, as a deterministic state machine: inputs are
 * ticks, messages and API calls, each stamped with {@code now} from the node's monotonic clock; outputs go
 * to an {@link Outbox}; durable state goes to {@link Storage} before anything that depends on it is sent.
 * It never reads a clock and never blocks except on storage. Not thread-safe: one thread drives it.
 *
 * <p>The rules, each implemented in one method below:
 * <ul>
 * <li><b>Bully over a majority</b> (libab): a non-witness stands when it hears no leader and no lower,
 *     electable id is alive ({@link #shouldStand}).</li>
 * <li><b>Exclusive, time-bounded promises</b>: a node that promises or acknowledges a leader will not promise
 *     anyone else until {@link Timings#promiseNanos()} has passed on its own clock, unless released
 *     ({@link #onPrepare}). At most one promise per term, persisted before it is sent.</li>
 * <li><b>Leases</b>: the leader's lease runs from the send time of the latest message a majority answered,
 *     for {@link Timings#leaderLeaseNanos()}; it stops acting when it ends ({@link #checkLease}).</li>
 * <li><b>Recovery</b> (Viewstamped Replication's view change): a candidate with a majority of promises adopts
 *     the best log among them, then commits a no-op of its term before it reports gained leadership
 *     ({@link #onMajorityPromised}).</li>
 * <li><b>Replication</b> (Raft's AppendEntries, with snapshots): {@link #onAppend}, {@link #onAppendAck}.</li>
 * <li><b>Lost disks</b>: a node that started on an empty data directory is amnesiac, durably, until it holds
 *     a commit index a majority confirmed; meanwhile it neither promises nor stands ({@link #onAppend},
 *     {@link #freshClusterConfirmed}). After {@code baton recover --force-new-cluster} a node counts as a
 *     majority of one until a real majority holds its first entry ({@link #maybeEndForcedNewCluster}).</li>
 * <li><b>Hand-over</b>: a leader hands leadership to a lower id that has been reachable for the hold-down
 *     and has its whole log, releasing its followers first ({@link #maybeHandOver}).</li>
 * </ul>
 */
public final class ElectionCore {
    static final int MAX_ENTRIES_PER_APPEND = 1024;
    static final long MAX_BYTES_PER_APPEND = 4L << 20;
    /** A candidate waits at least this many round trips (RTT bounds) for its promises: Prepare, fsync, Promise. */
    static final int CANDIDATE_RETRY_RTTS = 2;
    /**
     * The wide-area rule (CONFIGURATION.md): {@code follower_timeout >= 4 x RTT + 400 ms}. A lease survives when
     * some heartbeat's ack arrives before it ends; with a lost segment each way, TCP holds that exchange back by
     * a retransmission timeout (Linux: at least 200 ms, plus about a round trip) in each direction.
     */
    public static final int FOLLOWER_TIMEOUT_RTTS = 4;
    public static final long FOLLOWER_TIMEOUT_SLACK_NANOS = 400_000_000L;

    private final ElectionConfig config;
    private final Timings timings;
    private final int self;
    private final boolean selfWitness;
    /** The configured majority; 1 while {@link #forcedNewCluster}. */
    private int majority;
    private final Storage storage;
    private final Random random;
    private final Outbox out;
    private final long incarnation;
    private final long startedAt;
    private final List<PeerState> peers = new ArrayList<>();

    private final ReplicatedLog log;
    private long currentTerm;
    private int promisedTo;
    private long commitIndex;
    private long highestKnownCommit;
    /**
     * Whether this process has learned a commit index from a leader (or committed as one). Until then, what
     * peers report is no bound: after a whole-cluster restart nobody knows what was committed, and a node
     * that answered from its snapshot would serve decisions older than those it had before the restart.
     */
    private boolean commitConfirmed;
    private long maxSeenTerm;
    /** Lost its disk and has not yet caught up (persisted as {@link RecoveryState#AMNESIAC}). */
    private boolean amnesiac;
    /** An operator forced a new cluster from this node's log (persisted as {@link RecoveryState#FORCED_NEW_CLUSTER}). */
    private boolean forcedNewCluster;

    private Role role = Role.FOLLOWER;
    private int leaderId;
    private long lastLeaderContact = NEVER;
    private long leaderlessSince;

    // the promise this node gave (to a candidate or by acknowledging a leader)
    private int leaseHolder;
    private long leaseUntil = NEVER;

    // candidate
    private long candidateDeadline = NEVER;
    private long prepareSentAt = NEVER;
    private boolean recovering;
    /** The leader that handed leadership to this candidacy, 0 if none. */
    private int handOverFrom;
    private int fetchFrom;
    private long fetchDeadline = NEVER;
    private long fetchExpectLastIndex;
    private long fetchExpectLastTerm;

    // leader
    private boolean ready;
    private long noopIndex;
    private long leaseStart = NEVER;
    private long nextHeartbeatAt = NEVER;

    private long nextPingAt = NEVER;
    private boolean resigned;
    /** Whether the last {@link Event.SlowPeers} said the links are too slow for the follower timeout. */
    private boolean linksTooSlow;

    public ElectionCore(ElectionConfig config, Storage storage, Random random, Outbox out, long now) {
        this.config = config;
        this.timings = config.timings();
        this.self = config.selfId();
        this.selfWitness = config.member(self).witness();
        this.majority = config.majority();
        this.storage = storage;
        this.random = random;
        this.out = out;
        this.incarnation = random.nextLong();
        this.startedAt = now;
        this.leaderlessSince = now;
        for (Member m : config.members()) {
            if (m.id() != self) peers.add(new PeerState(m.id(), m.witness()));
        }
        peers.sort(java.util.Comparator.comparingInt(p -> p.id)); // lowest id first: the bully order
        PersistentState state = storage.load();
        this.currentTerm = state.term();
        this.maxSeenTerm = state.term();
        this.promisedTo = state.promisedTo();
        this.amnesiac = state.fresh() || state.recovery() == RecoveryState.AMNESIAC;
        // Recovery rule: an empty directory is evidence of a lost disk only until something is written to it (the
        // first Append writes the term), so the amnesia is stored at once and survives a restart before catch-up.
        if (state.fresh()) storage.saveRecovery(RecoveryState.AMNESIAC);
        this.forcedNewCluster = state.recovery() == RecoveryState.FORCED_NEW_CLUSTER && !selfWitness;
        if (forcedNewCluster) majority = 1;
        this.log = new ReplicatedLog(storage, state.snapshot(), state.entries());
        // Everything up to the snapshot was committed; the application restores it first.
        this.commitIndex = state.snapshot().index();
        this.highestKnownCommit = commitIndex;
        if (commitIndex > 0) out.emit(new Event.SnapshotInstalled(state.snapshot()));
    }

    // ------------------------------------------------------------------ inputs

    /** Timer input: the driver calls it every {@link Timings#tickNanos()}. */
    public void onTick(long now) {
        checkLease(now);
        if (nextPingAt == NEVER || now >= nextPingAt) {
            checkRoundTrips();
            nextPingAt = now + timings.heartbeatNanos();
            View v = view(now);
            for (PeerState p : peers) out.send(p.id, new Ping(incarnation, now, v));
        }
        switch (role) {
            case LEADER -> {
                if (now >= nextHeartbeatAt) broadcastAppend(now, true);
                if (ready) maybeHandOver(now);
            }
            case CANDIDATE -> {
                if (now >= candidateDeadline) {
                    becomeFollower(now);
                    if (shouldStand(now, false)) stand(now);
                } else if (recovering && now >= fetchDeadline) {
                    // The owner of the best log did not answer (it may have just stopped): count the majority
                    // without it, and take the best log of the others. If the entry it alone had was committed,
                    // another member of any majority has it too.
                    PeerState silent = peer(fetchFrom);
                    silent.promised = false;
                    silent.ackedSendTime = NEVER;
                    recovering = false;
                    if (promiseCount() >= majority) onMajorityPromised(now);
                } else if (!recovering) {
                    for (PeerState p : peers) {
                        if (!p.promised && p.retryPrepareAt != NEVER && now >= p.retryPrepareAt) {
                            p.retryPrepareAt = NEVER;
                            out.send(p.id, new Prepare(currentTerm, incarnation, now, log.lastIndex()));
                        }
                    }
                }
            }
            case FOLLOWER -> {
                if (leaderId != 0 && (lastLeaderContact == NEVER
                        || now - lastLeaderContact >= timings.promiseNanos())) {
                    setLeader(0, now); // failure detector: the leader is suspected
                }
                if (shouldStand(now, false)) stand(now);
            }
        }
    }

    /** A message from a member (the transport has authenticated it and checked that {@code from} is a member). */
    public void onMessage(int from, Message message, long now) {
        PeerState p = peer(from);
        if (p == null) return;
        checkLease(now);
        p.heard(now, timings.promiseNanos());
        if (message instanceof Ping m) onPing(p, m, now);
        else if (message instanceof Pong m) onPong(p, m, now);
        else if (message instanceof Prepare m) onPrepare(p, m, now);
        else if (message instanceof Promise m) onPromise(p, m, now);
        else if (message instanceof Refuse m) onRefuse(p, m, now);
        else if (message instanceof Append m) onAppend(p, m, now);
        else if (message instanceof AppendAck m) onAppendAck(p, m, now);
        else if (message instanceof FetchLog m) onFetchLog(p, m);
        else if (message instanceof LogSuffix m) onLogSuffix(p, m, now);
        else if (message instanceof Release m) onRelease(p, m, now);
        else if (message instanceof HandOver m) onHandOver(p, m, now);
        else if (message instanceof AppData m) out.emit(new Event.AppMessage(from, m.data()));
    }

    /**
     * Appends application data on the leader and returns its index; the entry is durable and sent at the
     * next {@link #flush}. Throws {@link NotLeaderException} unless this node leads with a valid lease.
     */
    public long append(byte[] data, long now) {
        checkLease(now);
        if (role != Role.LEADER || !ready) {
            throw new NotLeaderException("node " + self + " is not the leader", leaderId == self ? 0 : leaderId);
        }
        LogEntry e = log.appendLocal(currentTerm, LogEntry.Kind.DATA, data);
        out.emit(new Event.Appended(e));
        return e.index();
    }

    /**
     * Makes buffered appends durable with one write and sends them to followers that have no append in
     * flight: the driver calls it after draining its input queue, so appends made meanwhile share a round trip.
     */
    public void flush(long now) {
        if (log.hasPending()) persistPending(now);
        if (role != Role.LEADER) return;
        // New entries go to followers with nothing in flight; so does a new commit index, at once rather
        // than with the next heartbeat, so followers apply (and answer DNS from) a decision one round trip
        // after it commits.
        for (PeerState p : peers) {
            boolean idle = !p.awaitingAck || now - p.lastAppendSent >= timings.heartbeatNanos();
            if (idle && (p.nextIndex <= log.lastIndex() || p.commitSent < commitIndex)) sendAppend(p, now);
        }
    }

    /**
     * The application's state after applying every entry up to {@code index} is {@code data}: entries up to
     * there may be dropped from the log. {@code index} must be committed.
     */
    public void compact(long index, byte[] data) {
        if (index > commitIndex) throw new IllegalArgumentException("cannot compact uncommitted index " + index);
        log.compact(index, data);
    }

    /**
     * For a graceful shutdown: from now on this node never stands again; if it leads, it steps down and hands
     * leadership to the lowest electable peer that holds its whole log (which stands at once), releasing the
     * others, so the cluster need not wait for the lease or for this node to look dead.
     */
    public void resign(long now) {
        resigned = true;
        if (role != Role.LEADER) return;
        log.persistPending();
        long term = currentTerm;
        // Any electable peer will do, caught up or not: its election recovers the best log of a majority.
        PeerState successor = null;
        for (PeerState p : peers) {
            if (p.electable(now, timings.promiseNanos())) {
                successor = p;
                break; // peers are in id order: the lowest first
            }
        }
        stepDown(now);
        for (PeerState p : peers) out.send(p.id, p == successor ? new HandOver(term) : new Release(term));
    }

    /** Sends an application message to a peer through the protocol's transport. */
    public void sendApplicationMessage(int to, byte[] data) {
        if (peer(to) == null) throw new IllegalArgumentException("unknown member " + to);
        out.send(to, new AppData(data));
    }

    // ------------------------------------------------------------------ queries

    public Role role() {
        return role;
    }

    public long term() {
        return currentTerm;
    }

    public long commitIndex() {
        return commitIndex;
    }

    public int leaderId() {
        return leaderId;
    }

    /** Whether this node may act as leader at {@code now}: gained leadership and its lease has not ended. */
    public boolean isLeading(long now) {
        return role == Role.LEADER && ready && now < leaseEnd();
    }

    /** The local time at which the leader's lease ends ({@link Long#MIN_VALUE} if none). */
    public long leaseEnd() {
        return leaseStart == NEVER ? NEVER : leaseStart + timings.leaderLeaseNanos();
    }

    /** See {@link NodeStatus#majorityContactAgoNanos()}: the local send time, or {@link Long#MIN_VALUE} if never. */
    public long majorityContactTime(long now) {
        return majorityContactSendTime(now);
    }

    /** The highest commit index any member, this one included, has reported. */
    public long highestKnownCommit() {
        return highestKnownCommit;
    }

    /** Whether a leader's commit index has reached this process since it started (see the field). */
    public boolean commitConfirmed() {
        return commitConfirmed;
    }

    public NodeStatus status(long now) {
        List<PeerStatus> ps = new ArrayList<>();
        for (PeerState p : peers) {
            ps.add(new PeerStatus(p.id, p.witness, p.alive(now, timings.promiseNanos()),
                    p.lastHeard == NEVER ? -1 : now - p.lastHeard, p.view == null ? 0 : p.view.commitIndex(),
                    p.view != null && p.view.amnesiac()));
        }
        long lease = 0;
        if (role == Role.LEADER && leaseStart != NEVER) lease = Math.max(0, leaseEnd() - now);
        else if (leaseHolder != 0 && leaseUntil != NEVER) lease = Math.max(0, leaseUntil - now);
        long contact = majorityContactSendTime(now);
        return new NodeStatus(self, role, isLeading(now), currentTerm, leaderId, commitIndex, log.lastIndex(), lease,
                contact == NEVER ? -1 : now - contact, highestKnownCommit, ps, amnesiac);
    }

    // ------------------------------------------------------------------ failure detector and freshness

    private void onPing(PeerState p, Ping m, long now) {
        if (p.incarnation != m.incarnation()) {
            // A restarted process: for the hold-down it counts as newly alive, however short its absence.
            p.incarnation = m.incarnation();
            p.aliveSince = now;
        }
        p.view = m.view();
        observe(m.view());
        endFirstStartAmnesia(now);
        out.send(p.id, new Pong(m.incarnation(), m.sentNanos(), view(now)));
    }

    private void onPong(PeerState p, Pong m, long now) {
        p.view = m.view();
        observe(m.view());
        endFirstStartAmnesia(now);
        if (m.incarnation() == incarnation) {
            p.answered(m.echoNanos());
            p.sampleRtt(now - m.echoNanos()); // both on our clock: the echo is our own send time
        }
    }

    /**
     * The round trip a candidate must allow to hear a majority: the bound ({@link PeerState#rttBoundNanos()})
     * of the peer that completes a majority when the fastest answer first, {@link PeerState#NEVER} if not
     * measured yet.
     */
    private long majorityRttBoundNanos() {
        return majorityRtt(PeerState::rttBoundNanos);
    }

    private long majorityRtt(java.util.function.ToLongFunction<PeerState> rtt) {
        if (majority == 1) return NEVER;
        long[] bounds = new long[peers.size()];
        for (int i = 0; i < bounds.length; i++) {
            long b = rtt.applyAsLong(peers.get(i));
            bounds[i] = b == NEVER ? Long.MAX_VALUE : b;
        }
        Arrays.sort(bounds);
        long b = bounds[majority - 2];
        return b == Long.MAX_VALUE ? NEVER : b;
    }

    /**
     * The candidate retry, adapted to slow links: at least {@link #CANDIDATE_RETRY_RTTS} majority round trips,
     * so promises can arrive before the candidate gives up its term (the configured value is the floor). Capped
     * at 2/3 of the follower timeout, the bound {@link Timings} enforces on the configured value: a term never
     * outlives what a restarted node, which grants nothing for a promise period, may have forgotten.
     */
    long candidateRetryNanos() {
        long configured = timings.candidateRetryNanos();
        long rtt = majorityRttBoundNanos();
        if (rtt == NEVER) return configured;
        long cap = timings.promiseNanos() * 2 / 3;
        return Math.max(configured, Math.min(cap, CANDIDATE_RETRY_RTTS * rtt));
    }

    /**
     * Reports (once per change, with hysteresis so a jittery link does not repeat it) when the majority's
     * base round trip ({@link PeerState#baseRttNanos()}) is too long for the follower timeout ({@link #FOLLOWER_TIMEOUT_RTTS}); the driver logs
     * it with the timings to set. The follower timeout is shared by every member (it is bound into the
     * transport's MAC) and the lease derives from it, so it cannot adapt; the candidate retry already has.
     */
    private void checkRoundTrips() {
        long rtt = majorityRtt(PeerState::baseRttNanos);
        if (rtt == NEVER) return;
        long needed = FOLLOWER_TIMEOUT_RTTS * rtt + FOLLOWER_TIMEOUT_SLACK_NANOS;
        boolean tooSlow = linksTooSlow ? needed * 5 > timings.promiseNanos() * 4 : needed > timings.promiseNanos();
        if (tooSlow == linksTooSlow) return;
        linksTooSlow = tooSlow;
        out.emit(new Event.SlowPeers(tooSlow, rtt, candidateRetryNanos(), (needed + 999_999) / 1_000_000));
    }

    private void observe(View v) {
        maxSeenTerm = Math.max(maxSeenTerm, v.term());
        highestKnownCommit = Math.max(highestKnownCommit, v.commitIndex());
    }

    private View view(long now) {
        long contactAgo = leaderId == self ? 0 : lastLeaderContact == NEVER ? Long.MAX_VALUE : now - lastLeaderContact;
        return new View(currentTerm, leaderId, contactAgo, commitIndex, log.lastIndex(), seesMajority(now), amnesiac);
    }

    /**
     * The send time of this node's latest message that a majority, itself included, has answered. Timed
     * from our own send, so replies that sat in a buffer while we were paused are old, not fresh.
     */
    private long majorityContactSendTime(long now) {
        if (majority == 1) return now;
        long[] times = new long[peers.size()];
        for (int i = 0; i < times.length; i++) times[i] = peers.get(i).answeredSendTime;
        Arrays.sort(times);
        return times[times.length - (majority - 1)];
    }

    private boolean seesMajority(long now) {
        long t = majorityContactSendTime(now);
        return t != NEVER && now - t < timings.promiseNanos();
    }

    // ------------------------------------------------------------------ standing for election

    /**
     * Bully rule with a majority (libab): stand when no leader has been heard for the follower timeout, this
     * node's own promise to another has ended, and no lower electable id is alive. Also: never within a
     * promise period of a restart (a promise given before a crash may still be in force), never as a witness,
     * and not while a reachable peer still follows a leader (one cut link must not cause elections). After
     * three timeouts without a leader, lower ids are no longer waited for, so a lower id that looks alive but
     * cannot win does not block the cluster.
     */
    private boolean shouldStand(long now, boolean handedOver) {
        if (selfWitness || resigned) return false;
        if (now - startedAt < timings.promiseNanos()) return false;
        if (!seesMajority(now)) return false;
        if (amnesiac && !freshClusterConfirmed(now)) return false;
        if (forcedNewCluster) {
            // The operator's decision replaces the bully order: stand alone unless this node already leads.
            return role == Role.FOLLOWER && (lastLeaderContact == NEVER || now - lastLeaderContact >= timings.promiseNanos());
        }
        if (handedOver) return true;
        if (lastLeaderContact != NEVER && now - lastLeaderContact < timings.promiseNanos()) return false;
        if (leaseHolder != 0 && leaseHolder != self && leaseUntil != NEVER && now < leaseUntil) return false;
        boolean waitedLong = now - leaderlessSince > 3 * timings.promiseNanos();
        for (PeerState p : peers) {
            if (!p.alive(now, timings.promiseNanos()) || p.view == null) continue;
            if (p.view.leaderId() != 0 && p.view.leaderId() != self
                    && p.view.leaderContactAgoNanos() < 2 * timings.heartbeatNanos()) return false;
            if (!waitedLong && p.id < self && p.electable(now, timings.promiseNanos())) return false;
        }
        return true;
    }

    /**
     * A node that started with an empty data directory (first start, or a lost disk) may have promised or
     * acknowledged things it no longer remembers. It votes and stands only once it has caught up from a
     * leader, or when every member is reachable and reports an empty log (a new cluster's first election).
     * Asking for every member, not a majority, is what keeps a lost disk from outvoting the only other copy
     * of a committed entry.
     */
    private boolean freshClusterConfirmed(long now) {
        if (log.lastIndex() > 0) return false;
        for (PeerState p : peers) {
            if (!p.alive(now, timings.promiseNanos()) || p.view == null || p.view.lastIndex() > 0) return false;
        }
        return true;
    }

    /**
     * Recovery rule: the state that lets an amnesiac node stand or promise (every member heard, every log empty)
     * ends its amnesia as soon as it is seen. Otherwise a member that neither stood nor promised in a new
     * cluster's first election stays amnesiac until its first confirmed Append; stopped before that, it can
     * never vote again, and one wiped disk more leaves no majority able to elect anyone.
     */
    private void endFirstStartAmnesia(long now) {
        if (amnesiac && freshClusterConfirmed(now)) leaveAmnesia();
    }

    private void stand(long now) {
        handOverFrom = 0;
        leaveAmnesia(); // standing is allowed only when confirmed: see freshClusterConfirmed
        currentTerm = Math.max(currentTerm, maxSeenTerm) + 1;
        maxSeenTerm = currentTerm;
        promisedTo = self;
        storage.saveTerm(currentTerm, promisedTo); // persisted before use: terms are never reused
        role = Role.CANDIDATE;
        recovering = false;
        setLeader(0, now);
        leaseHolder = self;
        leaseUntil = now + timings.promiseNanos();
        leaseStart = NEVER;
        prepareSentAt = now;
        long retry = candidateRetryNanos();
        candidateDeadline = now + retry + (long) (random.nextDouble() * retry / 2);
        for (PeerState p : peers) {
            p.resetCandidacy();
            out.send(p.id, new Prepare(currentTerm, incarnation, now, log.lastIndex()));
        }
        if (majority == 1) onMajorityPromised(now);
    }

    /** Promise rule: exclusive per term and, for {@code promise} on our clock, across terms. */
    private void onPrepare(PeerState c, Prepare m, long now) {
        maxSeenTerm = Math.max(maxSeenTerm, m.term());
        long retryAfter = 0;
        boolean grant;
        if (m.term() < currentTerm) {
            grant = false;
        } else if (m.term() == currentTerm && promisedTo == c.id) {
            grant = true; // a duplicate or a re-sent prepare: same answer
        } else if (m.term() == currentTerm && promisedTo != -1 && promisedTo != 0) {
            grant = false;
        } else if (role == Role.LEADER) {
            grant = false; // a returning lower id waits for the hand-over: no election per flap
        } else if (role == Role.CANDIDATE && c.id > self) {
            grant = false;
        } else if (now - startedAt < timings.promiseNanos()) {
            grant = false;
            retryAfter = timings.promiseNanos() - (now - startedAt);
        } else if (leaseHolder != 0 && leaseHolder != c.id && leaseHolder != self && leaseUntil != NEVER
                && now < leaseUntil) {
            grant = false;
            retryAfter = leaseUntil - now;
        } else if (amnesiac && (!freshClusterConfirmed(now) || m.lastIndex() > 0)) {
            grant = false;
        } else if (forcedNewCluster) {
            grant = false; // it forms the new cluster itself
        } else {
            grant = true;
        }
        if (!grant) {
            out.send(c.id, new Refuse(m.term(), m.incarnation(), m.sentNanos(), currentTerm, retryAfter, leaderId));
            return;
        }
        if (role != Role.FOLLOWER) becomeFollower(now);
        leaveAmnesia(); // granting is allowed only when confirmed: see freshClusterConfirmed
        currentTerm = m.term();
        promisedTo = c.id;
        storage.saveTerm(currentTerm, promisedTo);
        setLeader(0, now);
        leaseHolder = c.id;
        leaseUntil = now + timings.promiseNanos();
        out.send(c.id, new Promise(m.term(), m.incarnation(), m.sentNanos(), log.lastIndex(), log.lastTerm(),
                commitIndex));
    }

    private void onPromise(PeerState p, Promise m, long now) {
        if (role != Role.CANDIDATE || m.term() != currentTerm || m.incarnation() != incarnation) return;
        p.answered(m.echoNanos());
        if (p.ackedSendTime == NEVER || m.echoNanos() > p.ackedSendTime) p.ackedSendTime = m.echoNanos();
        if (p.promised) return;
        p.promised = true;
        p.promiseLastIndex = m.lastIndex();
        p.promiseLastTerm = m.lastTerm();
        if (!recovering && promiseCount() >= majority) onMajorityPromised(now);
    }

    private void onRefuse(PeerState p, Refuse m, long now) {
        maxSeenTerm = Math.max(maxSeenTerm, m.currentTerm());
        if (m.incarnation() == incarnation) p.answered(m.echoNanos());
        if (role != Role.CANDIDATE || m.term() != currentTerm || p.promised) return;
        if (handOverFrom != 0 && m.leaderId() == handOverFrom) {
            // Still promised to the leader that handed over to us: its Release to that peer is on its way.
            p.retryPrepareAt = now + 2 * timings.tickNanos();
            return;
        }
        if (m.retryAfterNanos() <= 0) return;
        // The peer's promise to the old leader ends soon: ask again just then, keeping this term alive until
        // that moment if needed, but never past 2/3 of a promise period (Timings: a restarted node, which may
        // have lost its disk, grants nothing for a promise period, so no term outlives what it forgot).
        long retryAt = now + m.retryAfterNanos() + timings.tickNanos();
        long latest = prepareSentAt + timings.promiseNanos() * 2 / 3;
        if (retryAt < latest) {
            p.retryPrepareAt = retryAt;
            candidateDeadline = Math.max(candidateDeadline, retryAt + timings.tickNanos());
        }
    }

    private int promiseCount() {
        int n = 1;
        for (PeerState p : peers) if (p.promised) n++;
        return n;
    }

    /**
     * A majority promised: adopt the best log among them (highest last term, then longest: the one Raft's
     * vote restriction would elect), fetching it if it is not ours, then lead.
     */
    private void onMajorityPromised(long now) {
        leaseStart = computeLeaseStart(now);
        PeerState best = null;
        long bestTerm = log.lastTerm();
        long bestIndex = log.lastIndex();
        for (PeerState p : peers) {
            if (!p.promised) continue;
            boolean better = p.promiseLastTerm > bestTerm
                    || (p.promiseLastTerm == bestTerm && p.promiseLastIndex > bestIndex);
            // Of equal logs, not the leader that just handed over to us: it is on its way out.
            boolean asGoodAndStaying = best != null && best.id == handOverFrom && p.id != handOverFrom
                    && p.promiseLastTerm == bestTerm && p.promiseLastIndex == bestIndex;
            if (better || asGoodAndStaying) {
                best = p;
                bestTerm = p.promiseLastTerm;
                bestIndex = p.promiseLastIndex;
            }
        }
        if (best == null) {
            becomeLeader(now);
            return;
        }
        recovering = true;
        fetchFrom = best.id;
        fetchDeadline = now + 2 * timings.heartbeatNanos();
        fetchExpectLastIndex = bestIndex;
        fetchExpectLastTerm = bestTerm;
        out.send(best.id, new FetchLog(currentTerm, commitIndex + 1, bestIndex, bestTerm));
    }

    private void onFetchLog(PeerState p, FetchLog m) {
        boolean ok = m.term() == currentTerm && promisedTo == p.id && log.lastIndex() == m.expectLastIndex()
                && log.lastTerm() == m.expectLastTerm();
        if (!ok) {
            out.send(p.id, new LogSuffix(m.term(), false, null, List.of()));
            return;
        }
        Snapshot snap = m.fromIndex() <= log.snapshot().index() ? log.snapshot() : null;
        // The whole suffix in one message: recovery needs all of it before the candidate can lead.
        List<LogEntry> suffix = log.slice(m.fromIndex(), Integer.MAX_VALUE, Long.MAX_VALUE);
        out.send(p.id, new LogSuffix(m.term(), true, snap, suffix));
    }

    private void onLogSuffix(PeerState p, LogSuffix m, long now) {
        if (role != Role.CANDIDATE || !recovering || p.id != fetchFrom || m.term() != currentTerm) return;
        if (!m.ok()) {
            becomeFollower(now);
            return;
        }
        if (m.snapshot() != null && m.snapshot().index() > log.snapshot().index()) installSnapshot(m.snapshot());
        List<LogEntry> added = log.merge(m.entries(), commitIndex);
        for (LogEntry e : added) out.emit(new Event.Appended(e));
        if (log.lastIndex() > fetchExpectLastIndex) log.truncateFrom(fetchExpectLastIndex + 1, commitIndex);
        if (log.lastIndex() != fetchExpectLastIndex || log.lastTerm() != fetchExpectLastTerm) {
            throw new IllegalStateException("recovered log does not end at " + fetchExpectLastIndex + "@"
                    + fetchExpectLastTerm + " but at " + log.lastIndex() + "@" + log.lastTerm());
        }
        becomeLeader(now);
    }

    // ------------------------------------------------------------------ leading

    private void becomeLeader(long now) {
        role = Role.LEADER;
        recovering = false;
        ready = false;
        setLeader(0, now);
        for (PeerState p : peers) {
            p.nextIndex = log.lastIndex() + 1;
            p.matchIndex = 0;
            p.awaitingAck = false;
        }
        // Raft §5.4.2: entries of earlier terms are committed by committing one of our own.
        noopIndex = log.appendLocal(currentTerm, LogEntry.Kind.NOOP, new byte[0]).index();
        log.persistPending();
        advanceCommit(now);
        broadcastAppend(now, true);
    }

    /**
     * Makes buffered appends durable, then counts this node's own acknowledgement at once: a leader alone in its
     * cluster gets no other, so an entry persisted by a heartbeat would otherwise wait for the next append.
     */
    private void persistPending(long now) {
        if (!log.hasPending()) return;
        log.persistPending();
        if (role == Role.LEADER) advanceCommit(now);
    }

    private void broadcastAppend(long now, boolean heartbeat) {
        persistPending(now);
        for (PeerState p : peers) sendAppend(p, now);
        if (heartbeat) nextHeartbeatAt = now + timings.heartbeatNanos();
    }

    private void sendAppend(PeerState p, long now) {
        Snapshot snap = null;
        long prevIndex = p.nextIndex - 1;
        if (prevIndex < log.snapshot().index()) {
            snap = log.snapshot();
            prevIndex = snap.index();
        }
        long prevTerm = log.termAt(prevIndex);
        List<LogEntry> entries = log.slice(prevIndex + 1, MAX_ENTRIES_PER_APPEND, MAX_BYTES_PER_APPEND);
        p.lastAppendSent = now;
        p.commitSent = commitIndex;
        p.awaitingAck = !entries.isEmpty() || snap != null;
        out.send(p.id, new Append(currentTerm, incarnation, now, prevIndex, prevTerm, commitIndex, snap, entries));
    }

    private void onAppendAck(PeerState p, AppendAck m, long now) {
        maxSeenTerm = Math.max(maxSeenTerm, m.term());
        if (m.incarnation() == incarnation) p.answered(m.echoNanos());
        if (role == Role.LEADER && m.term() > currentTerm && ready) {
            // A follower moved to a higher term (it stood while cut off from us) and now refuses our term:
            // it can only rejoin under a higher term. Our followers are promised to us, so we win it at once.
            stepDown(now);
            if (shouldStand(now, true)) stand(now);
            return;
        }
        if (role != Role.LEADER || m.term() != currentTerm || m.incarnation() != incarnation) return;
        if (p.ackedSendTime == NEVER || m.echoNanos() > p.ackedSendTime) p.ackedSendTime = m.echoNanos();
        leaseStart = computeLeaseStart(now);
        p.awaitingAck = false;
        if (m.success()) {
            if (m.matchIndex() > p.matchIndex) p.matchIndex = m.matchIndex();
            p.nextIndex = Math.max(p.nextIndex, p.matchIndex + 1);
            advanceCommit(now);
            if (p.nextIndex <= log.lastIndex()) sendAppend(p, now);
        } else {
            p.nextIndex = Math.max(1, Math.min(p.nextIndex - 1, m.lastIndex() + 1));
            sendAppend(p, now);
        }
    }

    /**
     * The lease starts at the send time of the latest message a majority (the leader counted once, as of
     * now) has answered in this term.
     */
    private long computeLeaseStart(long now) {
        if (majority == 1) return now;
        long[] times = new long[peers.size()];
        for (int i = 0; i < times.length; i++) times[i] = peers.get(i).ackedSendTime;
        Arrays.sort(times);
        long t = times[times.length - (majority - 1)];
        return t == NEVER ? leaseStart : Math.max(t, leaseStart == NEVER ? t : leaseStart);
    }

    /** Commit rule: a majority persisted it (the leader counted once) and it belongs to the current term. */
    private void advanceCommit(long now) {
        for (long n = log.lastIndex(); n > commitIndex; n--) {
            if (log.termAt(n) != currentTerm) break;
            int count = log.persistedIndex() >= n ? 1 : 0;
            for (PeerState p : peers) if (p.matchIndex >= n) count++;
            if (count >= majority) {
                commitTo(n);
                break;
            }
        }
        if (role == Role.LEADER && !ready && commitIndex >= noopIndex) {
            ready = true;
            commitConfirmed = true;
            out.emit(new Event.GainedLeadership(currentTerm));
            setLeader(self, now);
        }
        maybeEndForcedNewCluster(now);
    }

    /**
     * A forced new cluster is formed once a real majority (this node counted) holds the leader's no-op: from then
     * on the configured majority applies again, and the lease counts only the acknowledgements of that majority
     * (the lease this node gave itself alone is backed by no follower's promise).
     */
    private void maybeEndForcedNewCluster(long now) {
        if (!forcedNewCluster || role != Role.LEADER || !ready) return;
        int holders = 1;
        for (PeerState p : peers) if (p.matchIndex >= noopIndex) holders++;
        if (holders < config.majority()) return;
        forcedNewCluster = false;
        majority = config.majority();
        storage.saveRecovery(RecoveryState.NONE);
        leaseStart = NEVER;
        leaseStart = computeLeaseStart(now);
    }

    /** Recovery rule: the node holds what a majority confirmed (or joins a new cluster's first election). */
    private void leaveAmnesia() {
        if (!amnesiac) return;
        amnesiac = false;
        storage.saveRecovery(RecoveryState.NONE);
    }

    private void commitTo(long index) {
        for (long i = commitIndex + 1; i <= index; i++) out.emit(new Event.Committed(log.entry(i)));
        commitIndex = index;
        highestKnownCommit = Math.max(highestKnownCommit, index);
    }

    /** Lease rule: a leader (or leader-elect) whose lease has ended stops at once, before handling anything. */
    private void checkLease(long now) {
        if (majority == 1 && role == Role.LEADER) leaseStart = now; // alone, this node is its own majority
        if ((role == Role.LEADER || (role == Role.CANDIDATE && recovering)) && now >= leaseEnd()) {
            if (role == Role.LEADER) stepDown(now);
            else becomeFollower(now);
        }
    }

    /**
     * Hand-over rule: a lower, electable id that has been reachable for the hold-down and holds our whole log
     * gets leadership. We stop acting first, then release our followers, so the promises that guarded our
     * lease are void only once we no longer act on it.
     */
    private void maybeHandOver(long now) {
        for (PeerState p : peers) {
            if (p.id > self || !p.electable(now, timings.promiseNanos())) continue;
            if (now - p.aliveSince < timings.holdDownNanos()) continue;
            if (p.matchIndex != log.lastIndex() || log.hasPending()) continue;
            long term = currentTerm;
            stepDown(now);
            lastLeaderContact = now;
            for (PeerState q : peers) {
                out.send(q.id, q == p ? new HandOver(term) : new Release(term));
            }
            return;
        }
    }

    private void stepDown(long now) {
        boolean wasReady = ready;
        becomeFollower(now);
        if (wasReady) out.emit(new Event.LostLeadership(currentTerm));
    }

    private void becomeFollower(long now) {
        if (role == Role.LEADER) setLeader(0, now);
        role = Role.FOLLOWER;
        ready = false;
        recovering = false;
        leaseStart = NEVER;
        candidateDeadline = NEVER;
        if (leaseHolder == self) {
            leaseHolder = 0;
            leaseUntil = NEVER;
        }
    }

    // ------------------------------------------------------------------ following

    private void onAppend(PeerState l, Append m, long now) {
        maxSeenTerm = Math.max(maxSeenTerm, m.term());
        highestKnownCommit = Math.max(highestKnownCommit, m.leaderCommit());
        if (m.term() < currentTerm) {
            out.send(l.id, new AppendAck(currentTerm, m.incarnation(), m.sentNanos(), false, 0, log.lastIndex()));
            return;
        }
        if (m.term() <= l.releasedTerm) return; // sent before its Release or HandOver: it no longer leads
        if (role != Role.FOLLOWER) {
            // Only one leader per term: a leader of a higher term exists, so our lease has already ended.
            if (role == Role.LEADER) stepDown(now);
            else becomeFollower(now);
        }
        if (m.term() > currentTerm || promisedTo != l.id) {
            currentTerm = m.term();
            promisedTo = l.id;
            storage.saveTerm(currentTerm, promisedTo);
        }
        setLeader(l.id, now);
        lastLeaderContact = now;
        leaseHolder = l.id;
        leaseUntil = now + timings.promiseNanos();

        if (m.snapshot() != null && m.snapshot().index() > log.snapshot().index()
                && m.snapshot().index() > commitIndex) {
            installSnapshot(m.snapshot());
        }
        long prev = m.prevIndex();
        boolean matches = prev <= log.lastIndex()
                && (prev < log.snapshot().index() || log.termAt(prev) == m.prevTerm());
        if (!matches) {
            long hint = Math.max(commitIndex, Math.min(log.lastIndex(), prev - 1));
            out.send(l.id, new AppendAck(currentTerm, m.incarnation(), m.sentNanos(), false, 0, hint));
            return;
        }
        List<LogEntry> added = log.merge(m.entries(), commitIndex);
        for (LogEntry e : added) out.emit(new Event.Appended(e));
        long match = Math.max(prev + m.entries().size(), log.snapshot().index());
        long newCommit = Math.min(m.leaderCommit(), match);
        if (newCommit > commitIndex) commitTo(newCommit);
        // Confirmed once the leader has committed an entry of its own term: then its commit index covers
        // everything committed before it (a leader-elect's Appends still carry its stale commit index), and
        // this node holds all of it (an Append that carries only part of the log does not reach it).
        boolean confirmed = m.leaderCommit() > 0 && newCommit == m.leaderCommit()
                && log.termAt(newCommit) == m.term();
        if (confirmed) {
            commitConfirmed = true;
            leaveAmnesia(); // recovery rule: it holds everything a majority had committed when it rejoined
        }
        out.send(l.id, new AppendAck(currentTerm, m.incarnation(), m.sentNanos(), true, match, log.lastIndex()));
    }

    private void installSnapshot(Snapshot s) {
        log.installSnapshot(s);
        if (s.index() > commitIndex) {
            commitIndex = s.index();
            highestKnownCommit = Math.max(highestKnownCommit, commitIndex);
            out.emit(new Event.SnapshotInstalled(s));
        }
    }

    private void onRelease(PeerState l, Release m, long now) {
        l.aliveSince = now; // it just gave leadership up: not handed back to it before a new hold-down
        released(l, m.term());
        if (leaseHolder == l.id && m.term() >= currentTerm) {
            leaseUntil = now;
            lastLeaderContact = NEVER;
            if (leaderId == l.id) setLeader(0, now);
        }
    }

    private void onHandOver(PeerState l, HandOver m, long now) {
        l.aliveSince = now; // it just gave leadership up: not handed back to it before a new hold-down
        released(l, m.term());
        if (m.term() != currentTerm || leaderId != l.id) return;
        leaseUntil = now;
        lastLeaderContact = NEVER;
        setLeader(0, now);
        if (role == Role.FOLLOWER && shouldStand(now, true)) {
            stand(now);
            handOverFrom = l.id;
        }
    }

    /** Remembers that {@code l} stepped down in {@code term}: its Appends of that term still in flight are void. */
    private void released(PeerState l, long term) {
        if (term > l.releasedTerm) l.releasedTerm = term;
    }

    private void setLeader(int id, long now) {
        if (id == leaderId) return;
        if (id == 0) leaderlessSince = now;
        leaderId = id;
        out.emit(new Event.LeaderChanged(id, currentTerm));
    }

    private PeerState peer(int id) {
        for (PeerState p : peers) if (p.id == id) return p;
        return null;
    }
}
