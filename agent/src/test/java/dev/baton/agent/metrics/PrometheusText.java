package dev.baton.agent.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), for tests: none of the allowed
 * libraries ships one (Prometheus's Java client 1.x writes the format but cannot read it). It rejects, with the
 * line number, everything the format forbids or Prometheus refuses on ingestion:
 *
 * <ul>
 *   <li>bad metric or label names, label values with unknown escapes or without closing quotes, values that are
 *   not Go floats ({@code NaN}, {@code +Inf}, {@code -Inf} included), garbage after the optional timestamp;</li>
 *   <li>a second {@code HELP} or {@code TYPE} for one family, a {@code TYPE} after the family's first sample, an
 *   unknown type, a family whose samples are not contiguous, the same series (name and label set) twice, the same
 *   label twice in one sample;</li>
 *   <li>histograms: a bucket without {@code le}, buckets not cumulative (non-decreasing with {@code le}), no
 *   {@code +Inf} bucket, {@code _count} different from the {@code +Inf} bucket; summaries: a quantile outside
 *   [0, 1]; counters, histogram and summary counts and sums that are negative.</li>
 * </ul>
 */
final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One metric family: its {@code TYPE} ({@code untyped} when none was given), {@code HELP}, and samples. */
    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    Map<String, Family> families() {
        return families;
    }

    Optional<Family> family(String name) {
        return Optional.ofNullable(families.get(name));
    }

    /** The value of the one sample with this name and exactly these labels (pairs of name, value). */
    double value(String name, String... labels) {
        return find(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + labelText(labels)
                + "; samples named so: " + samples(name))).value();
    }

    Optional<Sample> find(String name, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) want.put(labels[i], labels[i + 1]);
        return samples(name).stream().filter(s -> s.labels().equals(want)).findFirst();
    }

    /** Every sample with this name, over all families. */
    List<Sample> samples(String name) {
        List<Sample> out = new ArrayList<>();
        for (Family f : families.values()) {
            for (Sample s : f.samples()) {
                if (s.name().equals(name)) out.add(s);
            }
        }
        return out;
    }

    private static String labelText(String... labels) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < labels.length; i += 2) b.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
        return b.append('}').toString();
    }

    /** A sample value or an {@code le} or {@code quantile} label as the format writes numbers ({@code +Inf}, ...). */
    static double number(String text) {
        return Parser.parseNumber(text);
    }

    /** Parses a whole exposition; throws {@link IllegalArgumentException} naming the line and the rule broken. */
    static PrometheusText parse(String text) {
        Parser p = new Parser();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) throw new IllegalArgumentException("the exposition must end with a line feed");
        for (int i = 0; i < lines.length; i++) {
            if (i == lines.length - 1 && lines[i].isEmpty()) break;
            try {
                p.line(lines[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + lines[i], e);
            }
        }
        try {
            p.finish();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("family check: " + e.getMessage(), e);
        }
        return new PrometheusText(p.families);
    }

    private static final class Parser {
        final Map<String, Family> families = new LinkedHashMap<>();
        final Set<String> closed = new HashSet<>();
        final Set<String> series = new HashSet<>();
        final Set<String> typed = new HashSet<>();
        final Set<String> helped = new HashSet<>();
        String currentFamily;

        void line(String line) {
            if (line.isBlank()) return;
            if (line.startsWith("#")) {
                comment(line);
                return;
            }
            Cursor c = new Cursor(line);
            String name = c.name(METRIC_NAME, "metric name");
            Map<String, String> labels = new TreeMap<>();
            boolean blank = c.spaces();
            if (c.peek() == '{') {
                labels = labels(c);
                blank = c.spaces();
            }
            if (!blank) throw new IllegalArgumentException("no blank between the series and its value");
            String valueText = c.token();
            double value = parseNumber(valueText);
            if (c.spaces() && !c.atEnd()) {
                String ts = c.token();
                if (!TIMESTAMP.matcher(ts).matches()) throw new IllegalArgumentException("bad timestamp " + ts);
                c.spaces();
            }
            if (!c.atEnd()) throw new IllegalArgumentException("unexpected text after the value");
            Family family = familyOf(name);
            if (!family.name().equals(currentFamily)) {
                if (closed.contains(family.name())) {
                    throw new IllegalArgumentException("samples of " + family.name() + " are not contiguous");
                }
                if (currentFamily != null) closed.add(currentFamily);
                currentFamily = family.name();
            }
            if (!series.add(name + labels)) throw new IllegalArgumentException("duplicate series " + name + labels);
            family.samples().add(new Sample(name, labels, value));
        }

        void comment(String line) {
            String[] parts = line.split("[ \t]+", 4);
            if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                return; // any other comment is allowed and ignored
            }
            String name = parts[2];
            if (!METRIC_NAME.matcher(name).matches()) throw new IllegalArgumentException("bad metric name " + name);
            String rest = parts.length > 3 ? parts[3] : "";
            Family existing = families.get(name);
            if (parts[1].equals("HELP")) {
                if (!helped.add(name)) throw new IllegalArgumentException("second HELP for " + name);
                String help = unescapeHelp(rest);
                families.put(name, existing == null ? new Family(name, "untyped", help, new ArrayList<>())
                        : new Family(name, existing.type(), help, existing.samples()));
            } else {
                if (!typed.add(name)) throw new IllegalArgumentException("second TYPE for " + name);
                if (!TYPES.contains(rest)) throw new IllegalArgumentException("unknown type " + rest);
                if (existing != null && !existing.samples().isEmpty()) {
                    throw new IllegalArgumentException("TYPE of " + name + " after its first sample");
                }
                families.put(name, new Family(name, rest, existing == null ? null : existing.help(),
                        existing == null ? new ArrayList<>() : existing.samples()));
            }
        }

        /** The family a sample belongs to: histogram and summary samples carry a suffix the family has not. */
        Family familyOf(String name) {
            for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
                if (!name.endsWith(suffix)) continue;
                Family f = families.get(name.substring(0, name.length() - suffix.length()));
                if (f == null) continue;
                if (f.type().equals("histogram") || (f.type().equals("summary") && !suffix.equals("_bucket"))) return f;
            }
            return families.computeIfAbsent(name, n -> new Family(n, "untyped", null, new ArrayList<>()));
        }

        void finish() {
            for (Family f : families.values()) {
                switch (f.type()) {
                    case "counter" -> f.samples().forEach(s -> nonNegative(s, "counter"));
                    case "histogram" -> checkHistogram(f);
                    case "summary" -> checkSummary(f);
                    default -> { }
                }
            }
        }

        private static void checkHistogram(Family f) {
            Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
            Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
            for (Sample s : f.samples()) {
                if (s.name().equals(f.name() + "_bucket")) {
                    String le = s.labels().get("le");
                    if (le == null) throw new IllegalArgumentException(f.name() + ": bucket without le");
                    Map<String, String> rest = new TreeMap<>(s.labels());
                    rest.remove("le");
                    buckets.computeIfAbsent(rest, k -> new TreeMap<>()).put(parseNumber(le), s.value());
                } else if (s.name().equals(f.name() + "_count")) {
                    nonNegative(s, "histogram count");
                    counts.put(s.labels(), s.value());
                } else if (s.name().equals(f.name() + "_sum")) {
                    nonNegative(s, "histogram sum");
                } else {
                    throw new IllegalArgumentException(f.name() + ": sample " + s.name() + " in a histogram");
                }
            }
            if (buckets.isEmpty()) throw new IllegalArgumentException(f.name() + ": histogram without buckets");
            buckets.forEach((labels, byLe) -> {
                double previous = 0;
                for (double v : byLe.values()) {
                    if (v < previous) throw new IllegalArgumentException(f.name() + labels + ": buckets not cumulative");
                    previous = v;
                }
                Double inf = byLe.get(Double.POSITIVE_INFINITY);
                if (inf == null) throw new IllegalArgumentException(f.name() + labels + ": no +Inf bucket");
                Double count = counts.get(labels);
                if (count == null || count.doubleValue() != inf.doubleValue()) {
                    throw new IllegalArgumentException(f.name() + labels + ": _count " + count + " differs from the +Inf bucket " + inf);
                }
            });
        }

        private static void checkSummary(Family f) {
            for (Sample s : f.samples()) {
                if (s.name().equals(f.name())) {
                    String q = s.labels().get("quantile");
                    if (q == null) throw new IllegalArgumentException(f.name() + ": summary sample without quantile");
                    double quantile = parseNumber(q);
                    if (!(quantile >= 0 && quantile <= 1)) throw new IllegalArgumentException(f.name() + ": quantile " + q);
                } else if (s.name().equals(f.name() + "_count") || s.name().equals(f.name() + "_sum")) {
                    nonNegative(s, "summary " + s.name());
                } else {
                    throw new IllegalArgumentException(f.name() + ": sample " + s.name() + " in a summary");
                }
            }
        }

        private static void nonNegative(Sample s, String what) {
            if (!(s.value() >= 0)) throw new IllegalArgumentException(s.name() + s.labels() + ": negative or NaN " + what);
        }

        private static Map<String, String> labels(Cursor c) {
            Map<String, String> labels = new TreeMap<>();
            c.expect('{');
            c.spaces();
            while (c.peek() != '}') {
                String name = c.name(LABEL_NAME, "label name");
                c.spaces();
                c.expect('=');
                c.spaces();
                String value = c.quoted();
                if (labels.put(name, value) != null) throw new IllegalArgumentException("label " + name + " twice");
                c.spaces();
                if (c.peek() == ',') {
                    c.expect(',');
                    c.spaces();
                } else if (c.peek() != '}') {
                    throw new IllegalArgumentException("expected , or } in the label set");
                }
            }
            c.expect('}');
            return labels;
        }

        static double parseNumber(String text) {
            return switch (text) {
                case "NaN" -> Double.NaN;
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> {
                    if (!FLOAT.matcher(text).matches()) throw new IllegalArgumentException("not a number: " + text);
                    yield Double.parseDouble(text);
                }
            };
        }

        private static String unescapeHelp(String text) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch != '\\') {
                    b.append(ch);
                    continue;
                }
                if (++i == text.length()) throw new IllegalArgumentException("HELP ends in a lone backslash");
                char e = text.charAt(i);
                if (e == '\\') b.append('\\');
                else if (e == 'n') b.append('\n');
                else throw new IllegalArgumentException("unknown escape \\" + e + " in HELP");
            }
            return b.toString();
        }
    }

    private static final class Cursor {
        final String s;
        int i;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        char peek() {
            if (atEnd()) throw new IllegalArgumentException("line ends too early");
            return s.charAt(i);
        }

        void expect(char ch) {
            if (peek() != ch) throw new IllegalArgumentException("expected " + ch + " at column " + (i + 1));
            i++;
        }

        /** Skips blanks; returns whether there were any. */
        boolean spaces() {
            int from = i;
            while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
            return i > from;
        }

        String name(Pattern pattern, String what) {
            int from = i;
            while (!atEnd() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':')) i++;
            String name = s.substring(from, i);
            if (!pattern.matcher(name).matches()) throw new IllegalArgumentException("bad " + what + " \"" + name + "\"");
            return name;
        }

        String token() {
            int from = i;
            while (!atEnd() && s.charAt(i) != ' ' && s.charAt(i) != '\t') i++;
            if (from == i) throw new IllegalArgumentException("missing value");
            return s.substring(from, i);
        }

        String quoted() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char ch = peek();
                i++;
                if (ch == '"') return b.toString();
                if (ch != '\\') {
                    b.append(ch);
                    continue;
                }
                char e = peek();
                i++;
                switch (e) {
                    case '\\' -> b.append('\\');
                    case '"' -> b.append('"');
                    case 'n' -> b.append('\n');
                    default -> throw new IllegalArgumentException("unknown escape \\" + e + " in a label value");
                }
            }
        }
    }
}
