package dev.baton.agent.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the chaos client's recorded answers must show, as pure functions of them (tested on their own in
 * {@code AnswerCheckerTest}). Times are epoch milliseconds at which a question was sent.
 */
final class AnswerChecker {
    private AnswerChecker() {
    }

    /**
     * Poll rounds in which two nodes answered different addresses (a split brain, as a client sees it), except
     * rounds that start inside one of {@code changeWindows} ({@code [from, until]}): after an instance dies,
     * nodes apply the new decision one replication round trip apart, and for that long both answers are current.
     */
    static List<String> splitRounds(List<Answer> answers, List<long[]> changeWindows) {
        Map<Long, List<Answer>> rounds = answers.stream()
                .collect(Collectors.groupingBy(Answer::round, TreeMap::new, Collectors.toList()));
        List<String> split = new ArrayList<>();
        for (List<Answer> round : rounds.values()) {
            long start = round.stream().mapToLong(Answer::sentMillis).min().orElseThrow();
            if (changeWindows.stream().anyMatch(w -> start >= w[0] && start <= w[1])) continue;
            long distinct = round.stream().filter(Answer::isAddress).map(Answer::answer).distinct().count();
            if (distinct > 1) split.add(round.toString());
        }
        return split;
    }

    /** Answers from {@code node} asked in {@code [from, until)} that are anything but SERVFAIL. */
    static List<Answer> notServfail(List<Answer> answers, int node, long from, long until) {
        return answers.stream().filter(a -> a.node() == node && a.sentMillis() >= from && a.sentMillis() < until)
                .filter(a -> !a.isServfail()).toList();
    }

    /** Answers naming {@code deadAddress}, asked more than {@code boundMillis} after it died. */
    static List<Answer> staleAnswers(List<Answer> answers, String deadAddress, long diedAt, long boundMillis) {
        return answers.stream().filter(a -> a.sentMillis() > diedAt + boundMillis && a.answer().equals(deadAddress))
                .toList();
    }

    /** The share of answers asked in {@code [from, until)} that were SERVFAIL (0 when none were asked). */
    static double servfailShare(List<Answer> answers, long from, long until) {
        List<Answer> in = answers.stream().filter(a -> a.sentMillis() >= from && a.sentMillis() < until).toList();
        return in.isEmpty() ? 0 : (double) in.stream().filter(Answer::isServfail).count() / in.size();
    }

    /**
     * When, from {@code from} on, a round first had every one of {@code nodes} answer {@code address}:
     * the time its first question was asked; -1 if no round did.
     */
    static long agreedAt(List<Answer> answers, int nodes, String address, long from) {
        Map<Long, List<Answer>> rounds = answers.stream().filter(a -> a.sentMillis() >= from)
                .collect(Collectors.groupingBy(Answer::round, TreeMap::new, Collectors.toList()));
        for (List<Answer> round : rounds.values()) {
            if (round.size() == nodes && round.stream().allMatch(a -> a.answer().equals(address))) {
                return round.stream().mapToLong(Answer::sentMillis).min().orElseThrow();
            }
        }
        return -1;
    }
}
