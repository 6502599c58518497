package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.check.CheckSpec;
import dev.baton.agent.config.Failback;
import dev.baton.agent.config.InstanceAddress;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.SelectionPolicy;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.Vantage;
import dev.baton.agent.config.WhenNoneHealthy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failover-time budget of {@code /v1/services}, from the config alone. */
class FailoverBudgetTest {
    private static final CheckSpec.Timing FAST = new CheckSpec.Timing(Duration.ofMillis(100), Duration.ofMillis(80),
            2, 2, Duration.ZERO);
    private static final CheckSpec.Timing SLOW = new CheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(500),
            2, 3, Duration.ofMillis(50));

    @Test
    void quorumDetectionIsFallIntervalsPlusTheLastTimeoutThenOneConfirmingCheckThenOnePassThenTheTtl() {
        FailoverBudget b = FailoverBudget.of(service(Vantage.QUORUM, FAST, FAST), Duration.ofSeconds(1));

        assertThat(b.document()).containsOnlyKeys("detection_ms", "confirmation_ms", "decision_ms", "ttl_ms", "total_ms");
        assertThat(b.detectionMillis()).isEqualTo(2 * 100 + 80);
        assertThat(b.confirmationMillis()).isEqualTo(80);
        assertThat(b.decisionMillis()).isEqualTo(AgentNode.LOOP_MILLIS);
        assertThat(b.ttlMillis()).isEqualTo(1_000);
        assertThat(b.document()).containsEntry("total_ms", 280L + 80 + AgentNode.LOOP_MILLIS + 1_000);
    }

    @Test
    void aVerdictOnOneNodesViewNeedsNoConfirmation() {
        assertThat(FailoverBudget.of(service(Vantage.LEADER, FAST, FAST), Duration.ofSeconds(1)).confirmationMillis()).isZero();
        assertThat(FailoverBudget.of(service(Vantage.ANY, FAST, FAST), Duration.ofSeconds(1)).confirmationMillis()).isZero();
        assertThat(FailoverBudget.of(service(Vantage.ALL, FAST, FAST), Duration.ofSeconds(1)).confirmationMillis()).isEqualTo(80);
    }

    @Test
    void theSlowestInstancesCheckCountsWithItsJitter() {
        FailoverBudget b = FailoverBudget.of(service(Vantage.QUORUM, FAST, SLOW), Duration.ofSeconds(30));

        assertThat(b.detectionMillis()).isEqualTo(3 * 1_000 + 50 + 500);
        assertThat(b.confirmationMillis()).isEqualTo(500);
        assertThat(b.totalMillis()).isEqualTo(3_550 + 500 + AgentNode.LOOP_MILLIS + 30_000);
    }

    private static ServiceConfig service(Vantage vantage, CheckSpec.Timing a, CheckSpec.Timing b) {
        return new ServiceConfig("db", SelectionPolicy.FAILOVER, Failback.DEFAULT, vantage, WhenNoneHealthy.KEEP_LAST,
                List.of(instance("a", 1, a), instance("b", 2, b)));
    }

    private static InstanceConfig instance(String name, int n, CheckSpec.Timing timing) {
        return new InstanceConfig(name, InstanceAddress.parse("127.0.0." + n), n, new CheckSpec.Tcp("127.0.0." + n, 5432, timing));
    }
}
