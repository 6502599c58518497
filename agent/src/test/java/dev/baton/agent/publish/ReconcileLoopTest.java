package dev.baton.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The engine's per-publisher loop, driven by hand on a virtual clock: when it reconciles, how it backs off,
 * what it reports, and that leader-only publishers never run off the leader.
 */
class ReconcileLoopTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final Clock wall = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
    private boolean leads = true;
    private Optional<Intent> intent = Optional.of(intent(1, 5, "a"));
    private final ScriptedPublisher publisher = new ScriptedPublisher(Publisher.Authority.LEADER);
    private final List<Duration> gateTimeouts = new ArrayList<>();
    private final Leadership leadership = new Leadership() {
        @Override
        public boolean leads() {
            return leads;
        }

        @Override
        public WriteGate gate(Intent i) {
            return timeout -> {
                gateTimeouts.add(timeout);
                if (!leads) throw new PublishException(PublishException.Kind.NOT_LEADING, "not leading");
            };
        }
    };
    private final ReconcileLoop loop = new ReconcileLoop("db", publisher, () -> intent, leadership, now::get, wall,
            new Random(7));

    @Test
    void aNewIntentIsReconciledOnceAndThenOnlyAtTheResyncPeriod() {
        publisher.script.add(Outcome.written("127.0.0.1"));
        assertThat(step()).isTrue();
        assertThat(loop.status().state()).isEqualTo(PublishState.IN_SYNC);
        assertThat(loop.status().published()).contains("127.0.0.1");
        assertThat(loop.status().fence()).contains(new Fence(1, 5));
        assertThat(step()).as("nothing changed").isFalse();
        now.addAndGet(publisher.resyncMillis());
        publisher.script.add(Outcome.inSync("127.0.0.1"));
        assertThat(step()).as("resync").isTrue();
        intent = Optional.of(intent(1, 9, "b"));
        publisher.script.add(Outcome.written("127.0.0.2"));
        assertThat(step()).as("new decision").isTrue();
        assertThat(publisher.seen).extracting(i -> i.fence().index()).containsExactly(5L, 5L, 9L);
    }

    @Test
    void failuresBackOffExponentiallyWithJitterAndANewIntentIsTriedAtOnce() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            publisher.script.add(new PublishException(PublishException.Kind.TRANSIENT, "connection refused"));
            long before = now.get();
            while (!step()) now.addAndGet(10);
            delays.add(now.get() - before);
        }
        // The first attempt is immediate; each retry waits within [cap/2, cap], cap doubling up to 30 s.
        assertThat(delays.get(0)).isZero();
        for (int i = 1; i < delays.size(); i++) {
            long cap = Math.min(RetryBackoff.MAX_MILLIS, RetryBackoff.INITIAL_MILLIS << (i - 1));
            assertThat(delays.get(i)).isBetween(cap / 2, cap + 10);
        }
        assertThat(loop.status().state()).isEqualTo(PublishState.FAILING);
        assertThat(loop.status().attempts()).isEqualTo(8);
        assertThat(loop.status().lastError()).contains("connection refused");
        intent = Optional.of(intent(2, 12, "b"));
        publisher.script.add(Outcome.written("127.0.0.2"));
        assertThat(step()).as("a new decision does not wait for the backoff").isTrue();
        assertThat(loop.status().state()).isEqualTo(PublishState.IN_SYNC);
        assertThat(loop.status().attempts()).isZero();
        assertThat(loop.status().lastError()).as("kept for the record").contains("connection refused");
    }

    @Test
    void retryAfterAndConfigurationErrorsWaitLonger() {
        publisher.script.add(new PublishException(PublishException.Kind.TRANSIENT, "429 Too Many Requests",
                Duration.ofSeconds(20), null));
        assertThat(step()).isTrue();
        now.addAndGet(19_990);
        assertThat(step()).isFalse();
        now.addAndGet(10);
        publisher.script.add(new PublishException(PublishException.Kind.CONFIGURATION, "401 Unauthorized"));
        assertThat(step()).isTrue();
        now.addAndGet(RetryBackoff.CONFIGURATION_MILLIS - 10);
        assertThat(step()).isFalse();
        now.addAndGet(10);
        publisher.script.add(Outcome.written("127.0.0.1"));
        assertThat(step()).isTrue();
    }

    @Test
    void aLeaderOnlyPublisherStandsByOffTheLeaderAndReReadsWhenItLeadsAgain() {
        publisher.script.add(Outcome.written("127.0.0.1"));
        assertThat(step()).isTrue();
        leads = false;
        assertThat(step()).isFalse();
        assertThat(loop.status().state()).isEqualTo(PublishState.STANDBY);
        leads = true;
        publisher.script.add(Outcome.inSync("127.0.0.1"));
        assertThat(step()).as("a new leadership reads again: another leader may have written").isTrue();
        assertThat(publisher.seen).hasSize(2);
    }

    @Test
    void aClosedGateIsRetriedSoonAndCountsNoFailure() {
        publisher.useGate = true;
        leads = true;
        publisher.closeGateOnce = true;
        assertThat(step()).isTrue();
        assertThat(loop.status().attempts()).isZero();
        now.addAndGet(ReconcileLoop.NOT_LEADING_RETRY_MILLIS);
        publisher.script.add(Outcome.written("127.0.0.1"));
        assertThat(step()).isTrue();
        assertThat(loop.status().state()).isEqualTo(PublishState.IN_SYNC);
    }

    @Test
    void supersededIsReportedAndNotRetriedInALoop() {
        publisher.script.add(Outcome.superseded("127.0.0.9", "fence term=4 index=20 is newer"));
        assertThat(step()).isTrue();
        assertThat(loop.status().state()).isEqualTo(PublishState.SUPERSEDED);
        assertThat(loop.status().detail()).contains("term=4 index=20");
        assertThat(step()).isFalse();
    }

    @Test
    void theTimeToPublishIsMeasuredFromWhenTheDecisionWasFirstSeen() {
        publisher.script.add(new PublishException(PublishException.Kind.TRANSIENT, "timeout"));
        assertThat(step()).isTrue();
        now.addAndGet(RetryBackoff.INITIAL_MILLIS);
        publisher.script.add(Outcome.written("127.0.0.1"));
        assertThat(step()).isTrue();
        assertThat(loop.status().publishMillis()).contains(RetryBackoff.INITIAL_MILLIS);
    }

    @Test
    void nothingDecidedYetIsWaiting() {
        intent = Optional.empty();
        assertThat(step()).isFalse();
        assertThat(loop.status().state()).isEqualTo(PublishState.WAITING);
    }

    /** One engine tick and, when due, the reconcile it starts, run here. */
    private boolean step() {
        Optional<Intent> due = loop.due();
        due.ifPresent(loop::run);
        return due.isPresent();
    }

    static Intent intent(long term, long index, String instance) {
        return new Intent("db", Optional.of(new Placement(instance, "127.0.0." + (instance.charAt(0) - 'a' + 1),
                Optional.empty(), Optional.empty())), Optional.empty(), new Fence(term, index), "test", 0,
                Role.LEADER, false);
    }

    /** Answers each reconcile with the next scripted outcome or exception, recording what it was asked. */
    static final class ScriptedPublisher implements Publisher {
        final Deque<Object> script = new ArrayDeque<>();
        final List<Intent> seen = new ArrayList<>();
        private final Authority authority;
        boolean useGate;
        boolean closeGateOnce;

        ScriptedPublisher(Authority authority) {
            this.authority = authority;
        }

        @Override
        public String kind() {
            return "scripted";
        }

        @Override
        public String target() {
            return "test target";
        }

        @Override
        public Authority authority() {
            return authority;
        }

        @Override
        public Outcome reconcile(Intent intent, WriteGate gate) throws PublishException {
            seen.add(intent);
            if (closeGateOnce) {
                closeGateOnce = false;
                throw new PublishException(PublishException.Kind.NOT_LEADING, "lease too short");
            }
            if (useGate) gate.beforeWrite(Duration.ofMillis(100));
            Object next = script.poll();
            if (next == null) throw new AssertionError("unexpected reconcile of " + intent);
            if (next instanceof PublishException e) throw e;
            return (Outcome) next;
        }
    }
}
