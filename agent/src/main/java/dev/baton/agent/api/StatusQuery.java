package dev.baton.agent.api;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code GET /v1/status} asks for: one service ({@code ?service=db}), or a page of services in config
 * order ({@code ?offset=0&limit=100}); everything by default. A node with a thousand services answers a page
 * or one service in a few milliseconds where the whole document takes longer.
 *
 * @param limit the most services to include; {@code 0} for the summary alone
 */
public record StatusQuery(Optional<String> service, int offset, int limit) {
    public static final StatusQuery ALL = new StatusQuery(Optional.empty(), 0, Integer.MAX_VALUE);

    /** Parses a raw query string (null for none); throws {@link IllegalArgumentException} naming a bad parameter. */
    public static StatusQuery parse(String rawQuery) {
        Map<String, String> p = QueryString.parse(rawQuery, Set.of("service", "offset", "limit"));
        return new StatusQuery(Optional.ofNullable(p.get("service")),
                (int) Math.min(Integer.MAX_VALUE, QueryString.count(p, "offset", 0)),
                (int) Math.min(Integer.MAX_VALUE, QueryString.count(p, "limit", Integer.MAX_VALUE)));
    }
}
