package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"150ms,150", "2s,2000", "1m,60000", "1h,3600000", "0s,0", "0ms,0", "' 5s ',5000"})
    void parsesAWholeNumberAndAUnit(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void rejectsANumberWithoutUnit() {
        assertThatThrownBy(() -> Durations.parse("100")).hasMessage(
                "\"100\" has no unit; write a number and a unit (ms, s, m, h), e.g. 150ms, 2s, 1m or 1h");
        assertThatThrownBy(() -> Durations.parse("1.5")).hasMessageContaining("has no unit");
    }

    @ParameterizedTest
    @CsvSource({"1.5s", "-1s", "10 sec", "s", "1d", "1m30s", "ms100"})
    void rejectsOtherForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is not a duration; expected a whole number and a unit (ms, s, m, h),"
                        + " e.g. 150ms, 2s, 1m or 1h");
    }

    @Test
    void rejectsEmptyAndHugeValues() {
        assertThatThrownBy(() -> Durations.parse(" ")).hasMessageStartingWith("empty duration");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999h")).hasMessage("\"99999999999999999999h\" is too large");
        assertThatThrownBy(() -> Durations.parse("9999999999999999h")).hasMessage("\"9999999999999999h\" is too large");
    }

    @ParameterizedTest
    @CsvSource({"0,0s", "10,10ms", "1500,1500ms", "2000,2s", "60000,1m", "5400000,90m", "7200000,2h"})
    void formatsInTheShortestExactUnit(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }
}
