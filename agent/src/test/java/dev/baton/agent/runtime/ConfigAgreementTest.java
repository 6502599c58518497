package dev.baton.agent.runtime;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;
import dev.baton.agent.config.InstanceAddress;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.verdict.NodeView;
import dev.baton.agent.verdict.QuorumVerdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A node whose config digest differs from the leader's counts as not reporting; one that sent none still counts. */
class ConfigAgreementTest {
    private static final InstanceKey A = new InstanceKey("db", "a");

    private static NodeView sees(int node, InstanceHealth health) {
        return new NodeView(node, 1_000, Map.of(A, health));
    }

    @Test
    void namesTheNodesWhoseDigestDiffers() {
        ConfigAgreement agreement = new ConfigAgreement("aaaa", Map.of(2, "aaaa", 3, "bbbb"));
        assertThat(agreement.mismatched()).containsExactly(3);
        assertThat(new ConfigAgreement("aaaa", Map.of(2, "aaaa")).mismatched()).isEmpty();
    }

    @Test
    void aMismatchedNodeCannotHelpReachTheQuorumThatFailsAnInstanceOver() {
        List<NodeView> views = List.of(sees(1, InstanceHealth.DOWN), sees(2, InstanceHealth.UP), sees(3, InstanceHealth.DOWN));
        QuorumVerdict quorum = new QuorumVerdict(3, 1_000);
        assertThat(quorum.verdict(A, dev.baton.agent.config.Vantage.QUORUM, 1, views, 1_000).health())
                .isEqualTo(InstanceHealth.DOWN);

        // Node 3 checks another "a" (its file differs): only node 1 sees a down, short of the majority of 2.
        List<NodeView> counted = new ConfigAgreement("aaaa", Map.of(2, "aaaa", 3, "bbbb")).agreeing(views);
        assertThat(counted).extracting(NodeView::nodeId).containsExactly(1, 2);
        assertThat(quorum.verdict(A, dev.baton.agent.config.Vantage.QUORUM, 1, counted, 1_000).health())
                .isEqualTo(InstanceHealth.UNKNOWN);
    }

    @Test
    void aNodeThatSentNoDigestStillCountsDuringARollingUpgrade() {
        List<NodeView> views = List.of(sees(1, InstanceHealth.DOWN), sees(2, InstanceHealth.DOWN));
        assertThat(new ConfigAgreement("aaaa", Map.of()).agreeing(views)).hasSize(2);
    }
}
