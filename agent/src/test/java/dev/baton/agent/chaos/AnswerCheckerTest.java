package dev.baton.agent.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerCheckerTest {
    private static final String A = "192.0.2.190";
    private static final String B = "192.0.2.191";

    private static List<Answer> round(long round, long at, String... answers) {
        return java.util.stream.IntStream.range(0, answers.length)
                .mapToObj(i -> new Answer(round, i + 1, at + i, answers[i])).toList();
    }

    private static List<Answer> concat(List<Answer>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }

    @Test
    void twoAddressesInOneRoundAreASplitUnlessTheRoundStartsInAChangeWindow() {
        List<Answer> answers = concat(round(1, 1000, A, A, "SERVFAIL"), round(2, 2000, A, B, B),
                round(3, 3000, B, B, B));
        assertThat(AnswerChecker.splitRounds(answers, List.of())).hasSize(1);
        assertThat(AnswerChecker.splitRounds(answers, List.<long[]>of(new long[] {1900, 2100}))).isEmpty();
    }

    @Test
    void aMinorityNodeMayAnswerOnlyServfail() {
        List<Answer> answers = concat(round(1, 1000, A, A, A), round(2, 2000, "SERVFAIL", A, A),
                round(3, 3000, "timeout", A, A));
        assertThat(AnswerChecker.notServfail(answers, 1, 1500, 2500)).isEmpty();
        assertThat(AnswerChecker.notServfail(answers, 1, 1500, 3500)).extracting(Answer::answer).containsExactly("timeout");
    }

    @Test
    void aDeadInstanceAnsweredPastTheBoundIsStale() {
        List<Answer> answers = concat(round(1, 1000, A, A, A), round(2, 2000, A, B, B), round(3, 5000, A, B, B));
        assertThat(AnswerChecker.staleAnswers(answers, A, 900, 2000)).extracting(Answer::sentMillis)
                .containsExactly(5000L);
    }

    @Test
    void recoveryIsTheFirstRoundInWhichEveryNodeAgrees() {
        List<Answer> answers = concat(round(1, 1000, "SERVFAIL", B, B), round(2, 2000, B, B, B));
        assertThat(AnswerChecker.agreedAt(answers, 3, B, 500)).isEqualTo(2000);
        assertThat(AnswerChecker.agreedAt(answers, 3, A, 500)).isEqualTo(-1);
        assertThat(AnswerChecker.servfailShare(answers, 0, 3000)).isEqualTo(1.0 / 6);
    }
}
