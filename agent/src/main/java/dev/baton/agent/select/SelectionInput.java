package dev.baton.agent.select;

import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.verdict.Verdict;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the {@link Selector} looks at for one service.
 *
 * @param service       the service's config: policy, failback, when-none-healthy, instances and priorities
 * @param active        the committed active instance, or empty before the first decision or after a
 *                      {@code no_answer} decision
 * @param verdicts      instance name &rarr; the quorum verdict; a missing instance counts as
 *                      {@link Verdict#NO_EVIDENCE} (unknown)
 * @param upSinceMillis instance name &rarr; since when the instance's verdict has been continuously {@code UP}
 *                      (leader's clock); absent when it is not up, or not known to have been up long
 * @param overrides     the operator's pin and drains
 * @param nowMillis     the leader's clock now, on the same clock as {@code upSinceMillis}
 */
public record SelectionInput(
        ServiceConfig service,
        Optional<ActiveInstance> active,
        Map<String, Verdict> verdicts,
        Map<String, Long> upSinceMillis,
        Overrides overrides,
        long nowMillis) {
    public SelectionInput {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(active, "active");
        verdicts = Map.copyOf(verdicts);
        upSinceMillis = Map.copyOf(upSinceMillis);
        Objects.requireNonNull(overrides, "overrides");
    }

    /** The verdict on {@code instance}, unknown with no evidence when none was given. */
    public Verdict verdict(String instance) {
        return verdicts.getOrDefault(instance, Verdict.NO_EVIDENCE);
    }
}
