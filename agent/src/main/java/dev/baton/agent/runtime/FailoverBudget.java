package dev.baton.agent.runtime;

import dev.baton.agent.check.CheckSpec;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.Vantage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The worst-case time from an active instance's death to the last resolver that obeys the TTL asking again,
 * computed from the config alone, as the parts the agent really goes through (issue 9: "the failover-time budget
 * computed from the config"):
 * <ul>
 *   <li><b>detection</b>: {@code fall × interval + jitter + timeout}. The first run after the death starts at
 *       most one interval (plus its jitter, which is drawn per run and does not accumulate) later, {@code fall}
 *       consecutive failures are needed ({@code HealthTracker}), and the last one may take its whole timeout.</li>
 *   <li><b>confirmation</b>: {@code timeout}, for {@code vantage: quorum} and {@code all}, whose verdict needs
 *       other nodes' views: the first node's {@code ChangeNotice} makes them check at once
 *       ({@link ConfirmationGate}), so their confirming run ends within one timeout. Zero for {@code leader}
 *       and {@code any}, which act on one node's view.</li>
 *   <li><b>decision</b>: {@link AgentNode#LOOP_MILLIS}, the leader's decision pass. The commit (one round trip
 *       to a majority and an fsync) is not in the config and comes on top; BENCHMARKS.md measures it.</li>
 *   <li><b>ttl</b>: {@code dns.ttl}, how long a resolver may keep serving the old answer.</li>
 * </ul>
 * For a service whose instances have different checks, the slowest instance's figures count: any of them may
 * be the one that dies. Pure.
 */
record FailoverBudget(long detectionMillis, long confirmationMillis, long decisionMillis, long ttlMillis) {

    /** The budget of {@code service} with answers cached for {@code ttl}. */
    static FailoverBudget of(ServiceConfig service, Duration ttl) {
        long detection = 0;
        long timeout = 0;
        for (InstanceConfig instance : service.instances()) {
            CheckSpec.Timing t = instance.check().timing();
            detection = Math.max(detection, t.fall() * t.interval().toMillis() + t.jitter().toMillis()
                    + t.timeout().toMillis());
            timeout = Math.max(timeout, t.timeout().toMillis());
        }
        boolean needsPeers = service.vantage() == Vantage.QUORUM || service.vantage() == Vantage.ALL;
        return new FailoverBudget(detection, needsPeers ? timeout : 0, AgentNode.LOOP_MILLIS, ttl.toMillis());
    }

    long totalMillis() {
        return detectionMillis + confirmationMillis + decisionMillis + ttlMillis;
    }

    /** {@code {"detection_ms": .., "confirmation_ms": .., "decision_ms": .., "ttl_ms": .., "total_ms": ..}}. */
    Map<String, Object> document() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detection_ms", detectionMillis);
        m.put("confirmation_ms", confirmationMillis);
        m.put("decision_ms", decisionMillis);
        m.put("ttl_ms", ttlMillis);
        m.put("total_ms", totalMillis());
        return m;
    }
}
