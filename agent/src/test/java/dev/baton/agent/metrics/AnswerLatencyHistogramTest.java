package dev.baton.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The DNS answer latency histogram as Prometheus reads it: a bound is inclusive ({@code le}), buckets are
 * cumulative, {@code _count} and {@code _sum} in seconds agree with what was recorded.
 */
class AnswerLatencyHistogramTest {

    @Test
    void bucketsAreInclusiveCumulativeAndInSeconds() {
        try (BatonMetrics metrics = new BatonMetrics()) {
            metrics.dnsAnswerTimer().record(10_000);      // exactly 10 µs: the first bucket
            metrics.dnsAnswerTimer().record(10_001);      // just above: the second
            metrics.dnsAnswerTimer().record(200_000_000); // 200 ms: above every bound, +Inf only

            PrometheusText text = PrometheusText.parse(metrics.scrape());
            assertThat(text.family("baton_dns_answer_duration_seconds").orElseThrow().type()).isEqualTo("histogram");
            assertThat(bucket(text, 10e-6)).isEqualTo(1);
            assertThat(bucket(text, 25e-6)).isEqualTo(2);
            assertThat(bucket(text, 0.1)).isEqualTo(2);
            assertThat(bucket(text, Double.POSITIVE_INFINITY)).isEqualTo(3);
            assertThat(text.value("baton_dns_answer_duration_seconds_count")).isEqualTo(3);
            assertThat(text.value("baton_dns_answer_duration_seconds_sum")).isCloseTo(0.200020001, within(1e-12));
        }
    }

    private static double bucket(PrometheusText text, double le) {
        return text.samples("baton_dns_answer_duration_seconds_bucket").stream()
                .filter(s -> PrometheusText.number(s.labels().get("le")) == le)
                .findFirst().orElseThrow(() -> new AssertionError("no bucket le=" + le)).value();
    }
}
