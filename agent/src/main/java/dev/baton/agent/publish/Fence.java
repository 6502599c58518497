package dev.baton.agent.publish;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fencing token of a publication: the term and the log index of the committed decision it publishes.
 * Committed decisions are totally ordered by index, and a term never falls as the index rises, so ordering by
 * (term, index) orders publications by how recent their decision is: a publisher never replaces a newer fence
 * with an older one (DESIGN.md "Publishers"). Written as the TXT text {@code term=T index=I}.
 */
public record Fence(long term, long index) implements Comparable<Fence> {
    private static final Pattern TEXT = Pattern.compile("term=(\\d{1,18}) index=(\\d{1,18})");

    public Fence {
        if (term < 0 || index < 0) throw new IllegalArgumentException("negative fence: term " + term + " index " + index);
    }

    /** {@code term=T index=I}, the TXT record's text. */
    public String text() {
        return "term=" + term + " index=" + index;
    }

    /** Parses {@link #text()}; throws {@link IllegalArgumentException} naming the text otherwise. */
    public static Fence parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("not a Baton fence (term=T index=I): \"" + text + "\"");
        return new Fence(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    public boolean isNewerThan(Fence other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Fence o) {
        int byTerm = Long.compare(term, o.term);
        return byTerm != 0 ? byTerm : Long.compare(index, o.index);
    }

    @Override
    public String toString() {
        return text();
    }
}
