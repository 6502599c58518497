package dev.baton.agent.metrics;

import dev.baton.agent.dns.AnswerTimer;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.concurrent.atomic.LongAdder;

/**
 * {@code baton_dns_answer_duration_seconds}: the DNS answer latency as a Prometheus histogram with fixed buckets,
 * recorded by the DNS I/O threads with one {@link LongAdder} increment and one add: no clock read, no allocation,
 * no lock. A Micrometer {@code Timer} with the same buckets cost more per query in every run (it also reads the
 * wall clock to rotate its max and histogram windows, and adds a double): docs/BENCHMARKS.md, "DNS answer
 * latency metric".
 * Registered directly with the Prometheus registry, which renders it with the Micrometer meters.
 */
final class AnswerLatencyHistogram implements AnswerTimer, Collector {
    static final String NAME = "baton_dns_answer_duration_seconds";
    /**
     * Upper bounds in nanoseconds: the server answers in microseconds unless the machine is starved, so the
     * buckets are dense below a millisecond and sparse above.
     */
    private static final long[] BOUNDS_NANOS = {
        10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000,
        100_000_000,
    };
    private static final double[] BOUNDS_SECONDS = new double[BOUNDS_NANOS.length + 1];

    static {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) BOUNDS_SECONDS[i] = BOUNDS_NANOS[i] / 1e9;
        BOUNDS_SECONDS[BOUNDS_NANOS.length] = Double.POSITIVE_INFINITY;
    }

    /** Observations per bucket, not cumulative; the last counts those above every bound. */
    private final LongAdder[] buckets = new LongAdder[BOUNDS_SECONDS.length];
    private final LongAdder sumNanos = new LongAdder();

    AnswerLatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
    }

    @Override
    public void record(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) i++;
        buckets[i].increment();
        sumNanos.add(nanos);
    }

    @Override
    public MetricSnapshot collect() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) counts[i] = buckets[i].sum();
        return HistogramSnapshot.builder()
                .name(NAME)
                .help("From a query's arrival to its response handed to the socket")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS_SECONDS, counts))
                        .sum(sumNanos.sum() / 1e9)
                        .build())
                .build();
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }
}
