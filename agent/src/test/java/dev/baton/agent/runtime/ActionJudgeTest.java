package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.api.ActionRequest;
import dev.baton.agent.check.CheckSpec;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.config.Failback;
import dev.baton.agent.config.InstanceAddress;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.SelectionPolicy;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.Vantage;
import dev.baton.agent.config.WhenNoneHealthy;
import dev.baton.agent.decision.OperatorAction.Kind;
import dev.baton.agent.decision.ServiceOverrides;
import dev.baton.agent.verdict.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Each rule of an operator action, judged without a cluster: every refusal with its status, and what is accepted. */
class ActionJudgeTest {
    private static final CheckSpec.Timing TIMING =
            new CheckSpec.Timing(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(500), 2, 2,
                    java.time.Duration.ZERO);
    private static final Verdict UP = new Verdict(InstanceHealth.UP, 3, 0, 3);
    private static final Verdict DOWN = new Verdict(InstanceHealth.DOWN, 0, 2, 3);
    private static final Map<String, Verdict> A_UP_B_UP = Map.of("a", UP, "b", UP);
    private static final Map<String, Verdict> A_UP_B_DOWN = Map.of("a", UP, "b", DOWN);

    private static ServiceConfig service(Failback failback) {
        List<InstanceConfig> instances = List.of(instance("a", 1), instance("b", 2));
        return new ServiceConfig("db", SelectionPolicy.FAILOVER, failback, Vantage.QUORUM, WhenNoneHealthy.KEEP_LAST,
                instances);
    }

    private static InstanceConfig instance(String name, int n) {
        return new InstanceConfig(name, InstanceAddress.parse("127.0.0." + n), n,
                new CheckSpec.Tcp("127.0.0." + n, 5432, TIMING));
    }

    private static ActionRequest ask(Kind kind, String instance, boolean force) {
        return new ActionRequest(kind, "db", instance, force, "127.0.0.1");
    }

    private static ServiceOverrides drained(String... names) {
        return new ServiceOverrides(new TreeSet<>(Set.of(names)), Optional.empty(), Optional.empty());
    }

    private static ServiceOverrides pinned(String name) {
        return new ServiceOverrides(new TreeSet<>(), Optional.of(name), Optional.empty());
    }

    private static ActionJudge.Judgement judge(ActionRequest r, Failback failback, String active, ServiceOverrides o,
                                               Map<String, Verdict> verdicts) {
        return ActionJudge.judge(r, Optional.of(service(failback)), Optional.ofNullable(active), o, verdicts);
    }

    private static ActionJudge.Judgement judge(ActionRequest r, String active, ServiceOverrides o, Map<String, Verdict> v) {
        return judge(r, new Failback.Immediate(), active, o, v);
    }

    private static void assertRefused(ActionJudge.Judgement j, int status, String reason) {
        assertThat(j).isInstanceOf(ActionJudge.Refused.class);
        assertThat(((ActionJudge.Refused) j).status()).isEqualTo(status);
        assertThat(((ActionJudge.Refused) j).reason()).isEqualTo(reason);
    }

    @Test
    void unknownServicesAndInstancesAre404() {
        assertRefused(ActionJudge.judge(ask(Kind.UNPIN, null, false), Optional.empty(), Optional.empty(),
                ServiceOverrides.NONE, Map.of()), 404, "no service named db");
        assertRefused(judge(ask(Kind.SWITCH, "z", false), "a", ServiceOverrides.NONE, A_UP_B_UP), 404,
                "db has no instance named z");
    }

    @Test
    void switchNeedsAQuorumToSeeTheTargetUpUnlessForced() {
        assertRefused(judge(ask(Kind.SWITCH, "b", false), "a", ServiceOverrides.NONE, A_UP_B_DOWN), 409,
                "b is not seen healthy by a quorum (down (2/3 nodes)); use force to switch anyway");
        ActionJudge.Judgement forced = judge(ask(Kind.SWITCH, "b", true), "a", ServiceOverrides.NONE, A_UP_B_DOWN);
        assertThat(forced).isInstanceOf(ActionJudge.Accepted.class);
        assertThat(((ActionJudge.Accepted) forced).switchTo()).contains("b");
        assertThat(((ActionJudge.Accepted) forced).after().switchedTo()).contains("b");
    }

    @Test
    void switchIsRefusedToTheActiveADrainedOrAnotherThanThePinnedInstance() {
        assertRefused(judge(ask(Kind.SWITCH, "a", false), "a", ServiceOverrides.NONE, A_UP_B_UP), 409, "a is already active");
        assertRefused(judge(ask(Kind.SWITCH, "b", true), "a", drained("b"), A_UP_B_UP), 409, "b is drained; undrain it first");
        assertRefused(judge(ask(Kind.SWITCH, "b", false), "a", pinned("a"), A_UP_B_UP), 409, "db is pinned to a; unpin it first");
    }

    @Test
    void drainAndUndrainRules() {
        assertRefused(judge(ask(Kind.DRAIN, "a", false), "a", drained("a"), A_UP_B_UP), 409, "a is already drained");
        assertRefused(judge(ask(Kind.DRAIN, "a", false), "a", pinned("a"), A_UP_B_UP), 409, "a is pinned; unpin it first");
        assertRefused(judge(ask(Kind.UNDRAIN, "a", false), "a", ServiceOverrides.NONE, A_UP_B_UP), 409, "a is not drained");
        ActionJudge.Judgement drain = judge(ask(Kind.DRAIN, "a", false), "a", ServiceOverrides.NONE, A_UP_B_UP);
        assertThat(((ActionJudge.Accepted) drain).selection().isDrained("a")).isTrue();
        ActionJudge.Judgement undrain = judge(ask(Kind.UNDRAIN, "a", false), "b", drained("a"), A_UP_B_UP);
        assertThat(((ActionJudge.Accepted) undrain).after()).isEqualTo(ServiceOverrides.NONE);
    }

    @Test
    void pinAndUnpinRules() {
        assertRefused(judge(ask(Kind.PIN, "b", false), "a", drained("b"), A_UP_B_UP), 409, "b is drained; undrain it first");
        assertRefused(judge(ask(Kind.PIN, "a", false), "a", pinned("a"), A_UP_B_UP), 409, "db is already pinned to a");
        assertRefused(judge(ask(Kind.PIN, "b", false), "a", ServiceOverrides.NONE, A_UP_B_DOWN), 409,
                "b is not seen healthy by a quorum (down (2/3 nodes)); use force to pin it anyway");
        // The active instance may be pinned whatever its health: that changes nothing now.
        assertThat(judge(ask(Kind.PIN, "b", false), "b", ServiceOverrides.NONE, A_UP_B_DOWN))
                .isInstanceOf(ActionJudge.Accepted.class);
        assertThat(judge(ask(Kind.PIN, "b", true), "a", ServiceOverrides.NONE, A_UP_B_DOWN))
                .isInstanceOf(ActionJudge.Accepted.class);
        assertRefused(judge(ask(Kind.UNPIN, null, false), "a", ServiceOverrides.NONE, A_UP_B_UP), 409, "db is not pinned");
    }

    @Test
    void approveFailbackOnlyForManualFailbackAndNotWhilePinned() {
        assertRefused(judge(ask(Kind.APPROVE_FAILBACK, null, false), "b", ServiceOverrides.NONE, A_UP_B_UP), 409,
                "db fails back by itself (failback: immediate); there is nothing to approve");
        assertRefused(judge(ask(Kind.APPROVE_FAILBACK, null, false), new Failback.Manual(), "b", pinned("b"), A_UP_B_UP),
                409, "db is pinned to b; unpin it first");
        ActionJudge.Judgement ok = judge(ask(Kind.APPROVE_FAILBACK, null, false), new Failback.Manual(), "b",
                ServiceOverrides.NONE, A_UP_B_UP);
        assertThat(((ActionJudge.Accepted) ok).selection().failbackApproved()).isTrue();
    }
}
