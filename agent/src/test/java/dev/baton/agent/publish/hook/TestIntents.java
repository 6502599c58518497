package dev.baton.agent.publish.hook;

import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Intents and gates for the hook tests. */
final class TestIntents {
    /** 2024-05-01T12:00:03.250Z */
    static final long DECIDED_AT = 1_714_564_803_250L;

    private TestIntents() {
    }

    static Placement placement(String instance, String address) {
        return new Placement(instance, address, Optional.empty(), Optional.empty());
    }

    /** db moved from a (10.0.0.1) to b (10.0.0.2, droplet 3164445 on member 2) at term 7 index 42. */
    static Intent moved() {
        return new Intent("db", Optional.of(new Placement("b", "10.0.0.2", Optional.of(3164445L), Optional.of(2))),
                Optional.of(placement("a", "10.0.0.1")), new Fence(7, 42), "a unhealthy (3 of 3 nodes)",
                DECIDED_AT, Role.LEADER, false);
    }

    /** The db service answers nothing: no placement, no previous, unknown decision time. */
    static Intent none() {
        return new Intent("db", Optional.empty(), Optional.empty(), new Fence(3, 9), "no healthy instance", 0,
                Role.LEADER, false);
    }

    /** leader.publish as seen by a node with {@code role}; node-2 (10.0.0.12) leads. */
    static Intent leaderScope(Role role, long term) {
        return new Intent(Intent.LEADER_SCOPE, Optional.of(placement("node-2", "10.0.0.12")), Optional.empty(),
                new Fence(term, 0), "elected", DECIDED_AT, role, role == Role.LEADER);
    }

    /** A gate that counts its checks and lets everything through. */
    static final class CountingGate implements WriteGate {
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public void beforeWrite(Duration requestTimeout) {
            checks.incrementAndGet();
        }
    }

    /** A gate of a node that no longer leads. */
    static final WriteGate CLOSED = timeout -> {
        throw new PublishException(PublishException.Kind.NOT_LEADING, "not leading: term 8 seen");
    };
}
