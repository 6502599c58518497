package dev.baton.agent.api;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code GET /v1/history} asks for: the items of one service or all, newest first, at most
 * {@code limit}, older than {@code before} (a {@code seq} from an earlier page) when given.
 */
public record HistoryQuery(Optional<String> service, int limit, long before) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** Parses a raw query string (null for none); throws {@link IllegalArgumentException} naming a bad parameter. */
    public static HistoryQuery parse(String rawQuery) {
        Map<String, String> p = QueryString.parse(rawQuery, Set.of("service", "limit", "before"));
        long limit = QueryString.count(p, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return new HistoryQuery(Optional.ofNullable(p.get("service")).filter(s -> !s.isEmpty()), (int) limit,
                QueryString.count(p, "before", 0));
    }
}
