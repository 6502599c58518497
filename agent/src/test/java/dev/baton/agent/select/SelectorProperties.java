package dev.baton.agent.select;

import static org.assertj.core.api.Assertions.assertThat;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of the selector over random services, verdicts, overrides and active instances. */
class SelectorProperties {
    private static final long NOW = 1_000_000;
    private static final CheckSpec.Timing TIMING =
            new CheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 2, Duration.ZERO);

    /** One random instance: its priority, verdict, how long it has been up (null: unknown) and whether drained. */
    record Instance(int priority, InstanceHealth health, Long upForMillis, boolean drained) {
    }

    /** The service-wide choices; indexes are into the instance list, -1 for none. */
    record Shape(SelectionPolicy policy, Failback failback, WhenNoneHealthy whenNone, int active, int pinned) {
    }

    @Property(tries = 1000)
    void neverSelectsADrainedInstanceNorMovesToADownOne(@ForAll("inputs") SelectionInput in) {
        Selection s = Selector.select(in);
        Optional<String> active = in.active().map(ActiveInstance::instance);

        s.instance().ifPresent(chosen -> {
            assertThat(in.overrides().isDrained(chosen)).as(s.reason()).isFalse();
            if (in.verdict(chosen).health() == InstanceHealth.DOWN && !in.overrides().pinned().equals(Optional.of(chosen))) {
                // The other exception (a pin is kept whatever its health): keep_last keeps a down active
                // instance while nothing else is up.
                assertThat(active).as(s.reason()).contains(chosen);
                assertThat(in.service().whenNoneHealthy()).as(s.reason()).isEqualTo(WhenNoneHealthy.KEEP_LAST);
                assertThat(upCandidates(in)).as(s.reason()).isEmpty();
            }
        });
        assertThat(s.changed()).as(s.reason()).isEqualTo(!s.instance().equals(active));
        assertThat(s.reason()).isNotBlank();
    }

    @Property(tries = 500)
    void failoverImmediateWithEverythingUpSelectsTheBestPriority(@ForAll("inputs") SelectionInput random) {
        Map<String, Verdict> allUp = new HashMap<>();
        random.service().instances().forEach(i -> allUp.put(i.name(), new Verdict(InstanceHealth.UP, 3, 0, 3)));
        ServiceConfig s = random.service();
        ServiceConfig failoverImmediate = new ServiceConfig(s.name(), SelectionPolicy.FAILOVER,
                new Failback.Immediate(), s.vantage(), s.whenNoneHealthy(), s.instances());
        SelectionInput in = new SelectionInput(failoverImmediate, random.active(), allUp, random.upSinceMillis(),
                Overrides.NONE, NOW);

        Selection selection = Selector.select(in);

        int best = s.instances().stream().mapToInt(InstanceConfig::priority).min().orElseThrow();
        assertThat(selection.instance()).as(selection.reason()).isPresent();
        assertThat(s.instance(selection.instance().get()).orElseThrow().priority()).as(selection.reason())
                .isEqualTo(best);
    }

    @Property(tries = 500)
    void keepLastNeverAnswersNothingOnceSomethingWasActive(@ForAll("inputs") SelectionInput random) {
        ServiceConfig s = random.service();
        ServiceConfig keepLast = new ServiceConfig(s.name(), s.policy(), s.failback(), s.vantage(),
                WhenNoneHealthy.KEEP_LAST, s.instances());
        SelectionInput in = new SelectionInput(keepLast, random.active(), random.verdicts(), random.upSinceMillis(),
                random.overrides(), NOW);
        // An operator's drain is the documented exception: a drained active instance is dropped.
        boolean activeKeepable = in.active().isPresent() && !in.overrides().isDrained(in.active().get().instance());

        Selection selection = Selector.select(in);

        if (activeKeepable) assertThat(selection.instance()).as(selection.reason()).isPresent();
    }

    @Property(tries = 500)
    void selectingAgainFromTheSelectionChangesNothing(@ForAll("inputs") SelectionInput in) {
        Selection first = Selector.select(in);
        SelectionInput next = new SelectionInput(in.service(),
                first.instance().map(i -> new ActiveInstance(i, NOW)), in.verdicts(), in.upSinceMillis(),
                in.overrides(), NOW);

        Selection second = Selector.select(next);

        assertThat(second.instance()).as(first.reason() + " then " + second.reason()).isEqualTo(first.instance());
        assertThat(second.changed()).isFalse();
    }

    private static List<String> upCandidates(SelectionInput in) {
        return in.service().instances().stream().map(InstanceConfig::name)
                .filter(n -> in.verdict(n).health() == InstanceHealth.UP && !in.overrides().isDrained(n)).toList();
    }

    @Provide
    Arbitrary<SelectionInput> inputs() {
        Arbitrary<Instance> instance = Combinators.combine(
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(InstanceHealth.class),
                Arbitraries.longs().between(0, 60_000).injectNull(0.2),
                Arbitraries.integers().between(0, 4).map(r -> r == 0)) // drained one time in five
                .as(Instance::new);
        Arbitrary<Failback> failback = Arbitraries.oneOf(
                Arbitraries.just(new Failback.Immediate()),
                Arbitraries.just(new Failback.Manual()),
                Arbitraries.of(0L, 1_000L, 30_000L).map(ms -> new Failback.After(Duration.ofMillis(ms))));
        return instance.list().ofMinSize(1).ofMaxSize(5).flatMap(instances -> {
            int n = instances.size();
            Arbitrary<Shape> shape = Combinators.combine(
                    Arbitraries.of(SelectionPolicy.class),
                    failback,
                    Arbitraries.of(WhenNoneHealthy.class),
                    Arbitraries.integers().between(-1, n - 1),
                    Arbitraries.integers().between(-1, n - 1)).as(Shape::new);
            return shape.map(sh -> build(instances, sh));
        });
    }

    private static SelectionInput build(List<Instance> instances, Shape shape) {
        List<InstanceConfig> configs = new ArrayList<>();
        Map<String, Verdict> verdicts = new HashMap<>();
        Map<String, Long> upSince = new HashMap<>();
        Set<String> drained = new HashSet<>();
        for (int i = 0; i < instances.size(); i++) {
            Instance inst = instances.get(i);
            String name = "i" + i;
            configs.add(new InstanceConfig(name, InstanceAddress.parse("127.0.0." + (i + 1)), inst.priority(),
                    new CheckSpec.Tcp("127.0.0." + (i + 1), 5432, TIMING)));
            verdicts.put(name, switch (inst.health()) {
                case UP -> new Verdict(InstanceHealth.UP, 2, 1, 3);
                case DOWN -> new Verdict(InstanceHealth.DOWN, 1, 2, 3);
                case UNKNOWN -> new Verdict(InstanceHealth.UNKNOWN, 1, 1, 3);
            });
            if (inst.health() == InstanceHealth.UP && inst.upForMillis() != null) upSince.put(name, NOW - inst.upForMillis());
            if (inst.drained()) drained.add(name);
        }
        ServiceConfig service = new ServiceConfig("svc", shape.policy(), shape.failback(), Vantage.QUORUM,
                shape.whenNone(), configs);
        Optional<ActiveInstance> active = shape.active() < 0 ? Optional.empty()
                : Optional.of(new ActiveInstance("i" + shape.active(), NOW - 5_000));
        Optional<String> pinned = shape.pinned() < 0 ? Optional.empty() : Optional.of("i" + shape.pinned());
        return new SelectionInput(service, active, verdicts, upSince, new Overrides(pinned, drained), NOW);
    }
}
