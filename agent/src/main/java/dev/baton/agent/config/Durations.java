package dev.baton.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the config: a whole number and a unit, {@code 150ms}, {@code 2s}, {@code 1m},
 * {@code 1h}. A bare number is rejected: {@code interval: 100} could mean milliseconds or seconds, and
 * guessing wrong by a factor of 1000 is the kind of mistake an operator finds during an outage.
 */
public final class Durations {
    private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern BARE_NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?");
    private static final String EXAMPLES = "e.g. 150ms, 2s, 1m or 1h";

    private Durations() {
    }

    /**
     * Parses {@code text}. Throws {@link IllegalArgumentException} with a message that quotes the text and
     * says what is expected; never returns a negative duration.
     */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) throw new IllegalArgumentException("empty duration; write a number and a unit, " + EXAMPLES);
        if (BARE_NUMBER.matcher(trimmed).matches()) {
            throw new IllegalArgumentException(
                    "\"" + text + "\" has no unit; write a number and a unit (ms, s, m, h), " + EXAMPLES);
        }
        Matcher m = SYNTAX.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; expected a whole number and a"
                    + " unit (ms, s, m, h), " + EXAMPLES);
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is too large");
        }
    }

    /** The shortest exact form in the config syntax: {@code 1500ms}, {@code 2s}, {@code 1m}, {@code 0s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) return "0s";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
