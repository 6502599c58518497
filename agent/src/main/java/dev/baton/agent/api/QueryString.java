package dev.baton.agent.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A URL query string as parameters, with the checks every endpoint wants: known names, whole numbers. */
final class QueryString {
    private QueryString() {
    }

    /**
     * The parameters of {@code rawQuery} (null for none), decoded; throws {@link IllegalArgumentException}
     * naming the first one not in {@code allowed}.
     */
    static Map<String, String> parse(String rawQuery, Set<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown parameter \"" + key + "\"; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
            out.put(key, value);
        }
        return out;
    }

    /** A whole number of 0 or more; {@code fallback} when absent. */
    static long count(Map<String, String> params, String key, long fallback) {
        String value = params.get(key);
        if (value == null) return fallback;
        try {
            long n = Long.parseLong(value);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a whole number of 0 or more, got \"" + value + "\"");
    }
}
