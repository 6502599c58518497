package dev.baton.agent.runtime;

import dev.baton.agent.api.ApiServer;
import dev.baton.agent.api.StatusQuery;
import dev.baton.agent.check.CheckRunner;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigDigest;
import dev.baton.agent.logging.LogOutput;
import dev.baton.agent.config.HostPort;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.MemberConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.publish.PublisherConfig;
import dev.baton.agent.dns.DnsAnswerer;
import dev.baton.agent.dns.DnsServer;
import dev.baton.agent.dns.DnsServerOptions;
import dev.baton.agent.metrics.BatonMetrics;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.PublishEngine;
import dev.baton.agent.publish.Publisher;
import dev.baton.election.ElectionConfig;
import dev.baton.election.ElectionNode;
import dev.baton.election.Member;
import dev.baton.election.NodeStatus;
import dev.baton.election.PeerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running Baton node: the election member, this node's health checks and their reports to the leader,
 * the leader's decisions, the replicated decision state, the embedded DNS server and the status endpoint.
 *
 * <p>Threads: the election's protocol and callback threads (decisions are applied on the callback thread),
 * the check runner's threads, the DNS server's, the status server's, and one agent loop thread that sends
 * reports and, on the leader, decides. {@link #close()} stops them all.
 */
public final class AgentNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentNode.class);
    /** The agent loop's period: reports and decisions are also triggered at once by any change. */
    static final long LOOP_MILLIS = 20;

    /** Replaced by a reload (on the agent loop thread); read anywhere. */
    private volatile BatonConfig config;
    private volatile String configDigest;
    private volatile String lastReload;
    private final int self;
    private final long currentWithinNanos;
    private final ViewBook views = new ViewBook();
    private final Replica replica;
    private final Observations observations;
    private final ScheduledExecutorService loop;
    private final AtomicBoolean reportDue = new AtomicBoolean(true);
    /** A step is queued on the loop and has not begun: further requests join it (see {@link #requestStep}). */
    private final AtomicBoolean stepQueued = new AtomicBoolean();
    private final long startedMillis = millis();
    private final LeaderlessWarning leaderless;
    private PauseWatch pauses;
    private final BatonMetrics metrics = new BatonMetrics();
    private ElectionNode node;
    private DnsServer dns;
    private final ActionDesk actions;
    private ApiServer api;
    private CheckRunner checks;
    private DecisionMaker decisions;
    private volatile PublishEngine publishing;
    private long lastReportMillis;
    private final StatusDocument statusDocument;

    private AgentNode(BatonConfig config) {
        this.config = config;
        this.configDigest = ConfigDigest.of(config);
        this.self = config.cluster().node();
        this.currentWithinNanos = config.cluster().timings().promiseNanos();
        Map<Integer, String> addresses = new HashMap<>();
        for (MemberConfig m : config.cluster().members()) addresses.put(m.id(), m.address().toString());
        this.leaderless = new LeaderlessWarning(addresses);
        this.replica = new Replica(self, new AnswerTables(config), views, AgentNode::millis, config.history().keep());
        this.actions = new ActionDesk(self, AgentNode::millis);
        replica.actions(actions);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "baton-agent-" + self);
            t.setDaemon(true);
            return t;
        });
        this.observations = new Observations(() -> {
            reportDue.set(true);
            requestStep();
        });
        this.statusDocument = new StatusDocument(self, currentWithinNanos, startedMillis, replica, observations,
                new StatusDocument.Sources(() -> this.config, () -> node, () -> checks, () -> dns, () -> publishing,
                        () -> lastReload, this::configConsistency));
    }

    /** Starts every part; throws (having stopped what it started) if a port cannot be bound or storage fails. */
    public static AgentNode start(BatonConfig config) {
        LogOutput.apply(config.logFormat());
        AgentNode agent = new AgentNode(config);
        try {
            agent.startParts();
            return agent;
        } catch (RuntimeException | IOException e) {
            agent.close();
            if (e instanceof IOException io) throw new UncheckedIOException(io.getMessage(), io);
            throw (RuntimeException) e;
        }
    }

    private void startParts() throws IOException {
        List<Member> members = new ArrayList<>();
        for (MemberConfig m : config.cluster().members()) {
            members.add(new Member(m.id(), m.address().host(), m.address().port(), m.witness()));
        }
        ElectionConfig electionConfig = new ElectionConfig(config.cluster().name(), self, members,
                config.cluster().timings());
        node = ElectionNode.builder(electionConfig)
                .dataDirectory(config.cluster().dataDir())
                .clusterKey(config.cluster().key().bytes())
                .listener(replica)
                .inspector(replica::inspect)
                .start();
        replica.attach(node);
        replica.onChange(() -> {
            PublishEngine engine = publishing;
            if (engine != null) engine.poke();
        });
        actions.attach(node, replica, this::requestStep);
        startPublishing();

        List<InetSocketAddress> dnsListen = new ArrayList<>();
        for (HostPort hp : config.dns().listen()) dnsListen.add(new InetSocketAddress(hp.host(), hp.port()));
        dns = new DnsServer(dnsListen, new DnsAnswerer(replica::table,
                service -> replica.isCurrent(service, currentWithinNanos), config.dns().whenIsolated()),
                DnsServerOptions.withRateLimit(config.dns().rateLimit()).withUdpTransport(config.dns().transport()),
                metrics.dnsAnswerTimer());
        dns.start();

        api = new ApiServer(config.api(), new NodeDocuments(() -> config, this::configConsistency, () -> node, replica, actions, this::status,
                () -> node.isCurrent(currentWithinNanos), () -> dns != null && !dns.boundAddresses().isEmpty()));
        replica.onEvent((type, data) -> api.events().publish(type,
                data instanceof dev.baton.agent.decision.HistoryEntry e ? NodeDocuments.historyItem(e) : data));
        api.addContext("/metrics", metrics.handler());
        api.start();

        decisions = new DecisionMaker(config, node, replica, views, observations, AgentNode::millis,
                Clock.systemUTC(), currentWithinNanos, actions);
        checks = new CheckRunner(observations);
        Map<InstanceKey, Long> intervals = new HashMap<>();
        for (ServiceConfig service : config.services()) {
            for (InstanceConfig instance : service.instances()) {
                InstanceKey key = new InstanceKey(service.name(), instance.name());
                observations.track(key);
                checks.add(service.name(), instance.name(), instance.check());
                intervals.put(key, instance.check().timing().interval().toMillis());
            }
        }
        ConfirmationGate confirmations = new ConfirmationGate(intervals);
        replica.onNotice(notice -> confirm(confirmations, notice));
        PidFile.write(config.cluster().dataDir());
        metrics.bind(config, new AgentMetricSource(node, currentWithinNanos, replica, checks, dns, publishing,
                () -> new ConfigAgreement(configDigest, views.configDigests()).mismatched()));
        loop.scheduleWithFixedDelay(this::step, LOOP_MILLIS, LOOP_MILLIS, TimeUnit.MILLISECONDS);
        pauses = new PauseWatch(config.cluster().timings().followerTimeoutMillis());
        int services = config.services().size();
        LOG.info("node {} of cluster {} started: cluster port {}, DNS {}, API {}, {} service{}", self,
                config.cluster().name(), config.cluster().self().address(), dns.boundAddresses(), api.address(),
                services, services == 1 ? "" : "s");
    }

    /** Every configured publisher, reconciled by its own engine threads; poked by every applied change. */
    private void startPublishing() {
        BatonConfig config = this.config;
        PublishEngine publishing = new PublishEngine(new LeaseGate(node), AgentNode::millis, Clock.systemUTC(), new java.util.Random());
        Intents intents = new Intents(config, () -> node, replica::view, currentWithinNanos);
        for (ServiceConfig service : config.services()) {
            for (PublisherConfig p : service.publish()) {
                Publisher publisher = PublisherFactory.create(p, false, config.cluster().timings());
                publishing.add(service.name(), publisher, publisher.authority() == Publisher.Authority.EVERY_NODE
                        ? () -> intents.serviceHere(service) : () -> intents.service(service));
            }
        }
        for (PublisherConfig p : config.leaderPublish()) {
            publishing.add(Intent.LEADER_SCOPE, PublisherFactory.create(p, true, config.cluster().timings()), intents::leader);
        }
        publishing.start();
        this.publishing = publishing;
    }

    /**
     * Re-reads the config: applies {@code reloaded} in place (services, checks, TTL and zone settings, publishers,
     * log format) or, when it changes what only a restart can (cluster membership, timings, listen addresses),
     * applies nothing. Runs on the agent loop thread, so no decision pass sees half a config; blocks the caller
     * until done (bounded).
     *
     * @return one line saying what was applied or why nothing was ({@link ConfigChange#describe()}), also logged
     */
    public String reload(BatonConfig reloaded) {
        java.util.concurrent.Future<String> done = loop.submit(() -> applyReload(reloaded));
        try {
            return done.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted before the reload finished";
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.error("config reload failed", e);
            return "failed: " + e;
        }
    }

    /** {@link #reload}'s work, on the agent loop thread. Checks first, then decisions, answers, publishers. */
    private String applyReload(BatonConfig reloaded) {
        BatonConfig previous = config;
        ConfigChange change = ConfigChange.between(previous, reloaded);
        String outcome = change.describe();
        lastReload = Instant.now() + " " + outcome;
        if (!change.restartNeeded().isEmpty()) {
            LOG.warn("config reload {}", outcome);
            return outcome;
        }
        if (change.logFormatChanged()) LogOutput.apply(reloaded.logFormat());
        config = reloaded;
        configDigest = ConfigDigest.of(reloaded);
        java.util.Set<InstanceKey> keep = new java.util.HashSet<>();
        for (ServiceConfig service : reloaded.services()) {
            for (InstanceConfig instance : service.instances()) {
                InstanceKey key = new InstanceKey(service.name(), instance.name());
                keep.add(key);
                Optional<InstanceConfig> old = previous.service(service.name()).flatMap(s -> s.instance(instance.name()));
                if (old.isPresent() && old.get().check().equals(instance.check())) continue;
                // A new check starts from unknown, as at start: the old check's view says nothing of the new target.
                if (old.isPresent()) checks.remove(service.name(), instance.name());
                observations.track(key);
                checks.add(service.name(), instance.name(), instance.check());
            }
        }
        for (ServiceConfig service : previous.services()) {
            for (InstanceConfig instance : service.instances()) {
                if (!keep.contains(new InstanceKey(service.name(), instance.name()))) {
                    checks.remove(service.name(), instance.name());
                }
            }
        }
        observations.retainOnly(keep);
        decisions.reconfigure(reloaded);
        replica.retable(new AnswerTables(reloaded));
        if (change.publishersChanged()) {
            // The engine is built from the whole list: restart it (a VIP is released and taken again at once).
            PublishEngine old = publishing;
            publishing = null;
            if (old != null) old.close();
            startPublishing();
        }
        reportDue.set(true);
        LOG.info("config reload {}", outcome);
        return outcome;
    }

    /** Expedited confirmation: a peer saw instances change; check them here now, within the gate's bound. */
    private void confirm(ConfirmationGate gate, ChangeNotice notice) {
        notice.changed().forEach((key, state) -> {
            if (gate.admit(key, state, observations.health(key), millis())
                    && checks.expedite(key.service(), key.instance())) {
                LOG.debug("checking {} now: node {} saw it {}", key, notice.node(), state.wireName());
            }
        });
    }

    /**
     * Runs a step on the loop soon. At most one requested step waits at a time: a thousand checks changing together
     * (a cold start, a mass failure) make one step that sees them all, not a thousand steps each building a report
     * and a decision pass over every service (issue 8: startup was quadratic in the number of instances).
     */
    private void requestStep() {
        if (!stepQueued.compareAndSet(false, true)) return;
        try {
            loop.execute(() -> {
                stepQueued.set(false); // before the step: a change after this point asks for another
                step();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            stepQueued.set(false); // the node is closing
        }
    }

    /**
     * One turn of the agent loop: tell every peer which instances this node saw change (so they confirm at once),
     * report this node's view to the leader, and decide if leading.
     */
    private void step() {
        try {
            long now = millis();
            NodeStatus status = node.status();
            leaderless.check(status, now).ifPresent(LOG::warn);
            Map<InstanceKey, InstanceHealth> changes = observations.takeUnannounced();
            if (!changes.isEmpty()) {
                byte[] notice = new ChangeNotice(self, changes).encode();
                for (PeerStatus peer : status.peers()) node.send(peer.id(), notice);
            }
            int leader = status.leaderId();
            if (leader != 0 && leader != self
                    && (reportDue.getAndSet(false) || now - lastReportMillis >= Observations.REPORT_INTERVAL_MILLIS)) {
                node.send(leader, observations.reportTo(self, leader, now, configDigest).encode());
                lastReportMillis = now;
            }
            decisions.run();
        } catch (RuntimeException e) {
            LOG.error("agent loop failed; continuing", e);
        }
    }

    /** The whole status document served at {@code /v1/status}. */
    public Map<String, Object> status() {
        return statusDocument.build(StatusQuery.ALL);
    }

    /** The status document for {@code query} ({@link StatusDocument#build}). */
    Map<String, Object> status(StatusQuery query) {
        return statusDocument.build(query);
    }

    /**
     * Config consistency, for status and {@code /v1/cluster}: this node's digest, every digest it knows (the leader
     * knows every peer's, from their reports; a follower only its own), and the nodes whose digest differs.
     */
    private Map<String, Object> configConsistency() {
        ConfigAgreement agreement = new ConfigAgreement(configDigest, views.configDigests());
        Map<String, String> digests = new java.util.TreeMap<>();
        agreement.reports().forEach((id, d) -> digests.put(String.valueOf(id), d));
        digests.put(String.valueOf(self), configDigest);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("config_digest", configDigest);
        out.put("config_digests", digests);
        out.put("config_mismatch", List.copyOf(agreement.mismatched()));
        return out;
    }

    public InetSocketAddress apiAddress() {
        return api.address();
    }

    public List<InetSocketAddress> dnsAddresses() {
        return dns.boundAddresses();
    }

    public ElectionNode election() {
        return node;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        if (pauses != null) pauses.close();
        // Before the election stops: a node-local VIP is released while this node still knows it holds it.
        PublishEngine engine = publishing;
        if (engine != null) engine.close();
        if (checks != null) checks.close();
        if (api != null) api.close();
        if (dns != null) dns.close();
        if (node != null) node.close();
        replica.close();
        PidFile.remove(config.cluster().dataDir());
        metrics.close();
    }

    private static long millis() {
        return System.nanoTime() / 1_000_000;
    }
}
