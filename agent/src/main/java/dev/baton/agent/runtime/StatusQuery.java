package dev.baton.agent.runtime;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a {@code GET /v1/status} asks for: one service ({@code ?service=db}), or a page of services in config
 * order ({@code ?offset=0&limit=100}); everything by default. A node with a thousand services answers a page
 * or one service in a few milliseconds where the whole document takes longer.
 *
 * @param limit the most services to include; {@code 0} for the summary alone
 */
record StatusQuery(Optional<String> service, int offset, int limit) {
    static final StatusQuery ALL = new StatusQuery(Optional.empty(), 0, Integer.MAX_VALUE);

    /** Parses a raw query string (null for none); throws {@link IllegalArgumentException} naming a bad parameter. */
    static StatusQuery parse(String rawQuery) {
        Optional<String> service = Optional.empty();
        int offset = 0;
        int limit = Integer.MAX_VALUE;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (key) {
                    case "service" -> service = Optional.of(value);
                    case "offset" -> offset = count(key, value);
                    case "limit" -> limit = count(key, value);
                    default -> throw new IllegalArgumentException("unknown parameter \"" + key
                            + "\"; allowed: service, offset, limit");
                }
            }
        }
        return new StatusQuery(service, offset, limit);
    }

    private static int count(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a whole number of 0 or more, got \"" + value + "\"");
    }
}
