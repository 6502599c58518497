package dev.baton.agent.metrics;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.MemberConfig;
import dev.baton.election.NodeStatus;
import dev.baton.election.PeerStatus;
import dev.baton.election.transport.DropReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;

/**
 * The cluster as this node sees it: leadership, term, lease, currentness, peers, the transport's drops and the
 * members whose config differs.
 */
final class ClusterMetrics {
    private ClusterMetrics() {
    }

    static void bind(MeterRegistry registry, BatonConfig config, MetricSource source) {
        Gauge.builder("baton.leading", source, s -> bit(s.election().leading()))
                .description("1 when this node leads, else 0").register(registry);
        Gauge.builder("baton.leader.node", source, s -> s.election().leaderId())
                .description("The id of the leader this node follows (itself when leading), 0 when none is known")
                .register(registry);
        Gauge.builder("baton.term", source, s -> s.election().term())
                .description("The election term this node is in").register(registry);
        Gauge.builder("baton.lease.remaining", source, s -> s.election().leaseRemainingNanos() / 1e9)
                .baseUnit("seconds")
                .description("On the leader, how long its lease still runs; on a follower, its promise to the leader")
                .register(registry);
        Gauge.builder("baton.current", source, s -> bit(s.current()))
                .description("1 when this node's committed state is current (it may answer), else 0").register(registry);
        Gauge.builder("baton.commit.index", source, s -> s.election().commitIndex())
                .description("The highest log index this node knows to be committed").register(registry);
        Gauge.builder("baton.applied.index", source, MetricSource::appliedIndex)
                .description("The highest log index whose decisions this node has applied").register(registry);
        FunctionCounter.builder("baton.leader.changes", source, MetricSource::leaderChanges)
                .description("Times the leader this node follows changed (to none included) since it started")
                .register(registry);
        FunctionCounter.builder("baton.elections.won", source, MetricSource::leadershipsGained)
                .description("Times this node won an election and took the lead since it started").register(registry);
        for (MemberConfig member : config.cluster().members()) {
            if (member.id() == config.cluster().node()) continue;
            int id = member.id();
            Gauge.builder("baton.peer.reachable", source, s -> bit(reachable(s.election(), id)))
                    .tag("node", String.valueOf(id))
                    .description("1 when this node heard from the peer within the follower timeout, else 0")
                    .register(registry);
        }
        for (MemberConfig member : config.cluster().members()) {
            int id = member.id();
            Gauge.builder("baton.config.mismatch", source, s -> bit(s.configDiffers(id)))
                    .tag("node", String.valueOf(id))
                    .description("1 when the member's config digest differs from this node's, else 0 "
                            + "(0 while digests are not known)")
                    .register(registry);
        }
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("baton.transport.dropped", source, s -> s.transport().dropped(reason))
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("Frames, payloads or connections the cluster transport dropped, by reason")
                    .register(registry);
        }
        FunctionCounter.builder("baton.transport.frames.sent", source, s -> s.transport().framesSent())
                .description("Frames the cluster transport sent").register(registry);
        FunctionCounter.builder("baton.transport.frames.received", source, s -> s.transport().framesReceived())
                .description("Frames the cluster transport received and verified").register(registry);
    }

    private static boolean reachable(NodeStatus status, int id) {
        for (PeerStatus p : status.peers()) {
            if (p.id() == id) return p.reachable();
        }
        return false;
    }

    static double bit(boolean b) {
        return b ? 1 : 0;
    }
}
