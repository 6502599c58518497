package dev.baton.agent.select;

import dev.baton.agent.check.CheckSpec;
import dev.baton.agent.config.Failback;
import dev.baton.agent.config.InstanceAddress;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.SelectionPolicy;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.Vantage;
import dev.baton.agent.config.WhenNoneHealthy;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.verdict.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds a {@link SelectionInput} for the selector tests: a service, verdicts, up-since times and overrides. */
final class Scenario {
    static final long NOW = 1_000_000;
    private static final CheckSpec.Timing TIMING =
            new CheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 2, Duration.ZERO);

    private final List<InstanceConfig> instances = new ArrayList<>();
    private SelectionPolicy policy = SelectionPolicy.FAILOVER;
    private Failback failback = Failback.DEFAULT;
    private WhenNoneHealthy whenNoneHealthy = WhenNoneHealthy.KEEP_LAST;
    private Optional<ActiveInstance> active = Optional.empty();
    private final Map<String, Verdict> verdicts = new HashMap<>();
    private final Map<String, Long> upSince = new HashMap<>();
    private Optional<String> pinned = Optional.empty();
    private Optional<String> switchedTo = Optional.empty();
    private boolean failbackApproved;
    private final Set<String> drained = new HashSet<>();

    /** A service whose instances are named and prioritised 1, 2, 3, ... in this order. */
    static Scenario instances(String... names) {
        Scenario s = new Scenario();
        for (String name : names) s.instance(name, s.instances.size() + 1);
        return s;
    }

    Scenario instance(String name, int priority) {
        int n = instances.size() + 1;
        instances.add(new InstanceConfig(name, InstanceAddress.parse("127.0.0." + n), priority,
                new CheckSpec.Tcp("127.0.0." + n, 5432, TIMING)));
        return this;
    }

    Scenario policy(SelectionPolicy p) {
        policy = p;
        return this;
    }

    Scenario sticky() {
        return policy(SelectionPolicy.STICKY);
    }

    Scenario failback(Failback f) {
        failback = f;
        return this;
    }

    Scenario whenNoneHealthy(WhenNoneHealthy w) {
        whenNoneHealthy = w;
        return this;
    }

    Scenario active(String name) {
        active = Optional.of(new ActiveInstance(name, NOW - 60_000));
        return this;
    }

    /** Up on all three nodes, continuously since long ago. */
    Scenario up(String... names) {
        for (String name : names) {
            verdicts.put(name, new Verdict(InstanceHealth.UP, 3, 0, 3));
            upSince.put(name, 0L);
        }
        return this;
    }

    /** Up on all three nodes, continuously for the last {@code millis}. */
    Scenario upFor(String name, long millis) {
        up(name);
        upSince.put(name, NOW - millis);
        return this;
    }

    /** Up, with no record of since when. */
    Scenario upSinceUnknown(String name) {
        up(name);
        upSince.remove(name);
        return this;
    }

    Scenario down(String... names) {
        for (String name : names) verdicts.put(name, new Verdict(InstanceHealth.DOWN, 0, 3, 3));
        return this;
    }

    Scenario unknown(String... names) {
        for (String name : names) verdicts.put(name, new Verdict(InstanceHealth.UNKNOWN, 1, 1, 3));
        return this;
    }

    Scenario pin(String name) {
        pinned = Optional.of(name);
        return this;
    }

    Scenario switchedTo(String name) {
        switchedTo = Optional.of(name);
        return this;
    }

    Scenario approveFailback() {
        failbackApproved = true;
        return this;
    }

    Scenario drain(String... names) {
        drained.addAll(List.of(names));
        return this;
    }

    ServiceConfig service() {
        return new ServiceConfig("db", policy, failback, Vantage.QUORUM, whenNoneHealthy, instances);
    }

    SelectionInput input() {
        return new SelectionInput(service(), active, verdicts, upSince, new Overrides(pinned, drained, switchedTo, failbackApproved), NOW);
    }

    Selection select() {
        return Selector.select(input());
    }
}
