package dev.baton.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test tree's exposition parser is strict: it reads the format's own example and refuses what it forbids. */
class PrometheusTextTest {

    /** The example of https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-example (the summary cut short). */
    private static final String SPEC_EXAMPLE = """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            http_requests_total{method="post",code="400"}    3 1395066363000

            # Escaping in label values:
            msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

            # Minimalistic line:
            metric_without_timestamp_and_labels 12.47

            # A weird metric from before the epoch:
            something_weird{problem="division by zero"} +Inf -3982045

            # A histogram, which has a pretty complex representation in the text format:
            # HELP http_request_duration_seconds A histogram of the request duration.
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{le="0.05"} 24054
            http_request_duration_seconds_bucket{le="0.1"} 33444
            http_request_duration_seconds_bucket{le="0.2"} 100392
            http_request_duration_seconds_bucket{le="0.5"} 129389
            http_request_duration_seconds_bucket{le="1"} 133988
            http_request_duration_seconds_bucket{le="+Inf"} 144320
            http_request_duration_seconds_sum 53423
            http_request_duration_seconds_count 144320

            # Finally a summary, which has a complex representation, too (abridged here):
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{quantile="0.5"} 4773
            rpc_duration_seconds_sum 1.7560473e+07
            rpc_duration_seconds_count 2693
            """;

    @Test
    void readsTheSpecExample() {
        PrometheusText text = PrometheusText.parse(SPEC_EXAMPLE);
        assertThat(text.value("http_requests_total", "method", "post", "code", "400")).isEqualTo(3);
        assertThat(text.family("http_requests_total").orElseThrow().type()).isEqualTo("counter");
        assertThat(text.family("http_request_duration_seconds").orElseThrow().samples()).hasSize(8);
        assertThat(text.find("msdos_file_access_time_seconds", "path", "C:\\DIR\\FILE.TXT",
                "error", "Cannot find file:\n\"FILE.TXT\"")).isPresent();
        assertThat(text.value("something_weird", "problem", "division by zero")).isInfinite();
        assertThat(text.value("rpc_duration_seconds_count")).isEqualTo(2693);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1abc 1\n",                                            // bad metric name
        "a{1b=\"x\"} 1\n",                                     // bad label name
        "a{b=\"x} 1\n",                                        // unterminated label value
        "a{b=\"\\t\"} 1\n",                                    // unknown escape
        "a{b=\"x\",b=\"y\"} 1\n",                              // label twice
        "a 1.2.3\n",                                           // not a float
        "a 1 12 extra\n",                                      // text after the timestamp
        "a1\n",                                                // no value
        "a 1\na 2\n",                                          // duplicate series
        "a 1\nb 1\na{x=\"y\"} 1\n",                            // family not contiguous
        "# TYPE a counter\n# TYPE a counter\na 1\n",          // second TYPE
        "# TYPE a gauges\na 1\n",                              // unknown type
        "a 1\n# TYPE a counter\n",                             // TYPE after a sample
        "# TYPE a counter\na -1\n",                            // negative counter
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n", // not cumulative
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1\n",                       // no +Inf
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\nh_sum 1\n",                    // count differs
        "# TYPE s summary\ns{quantile=\"1.5\"} 1\ns_count 1\ns_sum 1\n",                        // quantile out of range
        "a 1",                                                 // no final line feed
    })
    void refusesWhatTheFormatForbids(String exposition) {
        assertThatThrownBy(() -> PrometheusText.parse(exposition)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("(?s)(line \\d+: |family check: |the exposition must end).*");
    }
}
