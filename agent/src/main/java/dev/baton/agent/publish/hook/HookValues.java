package dev.baton.agent.publish.hook;

import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Placement;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The values one intent hands to a hook, by name: what {@code {name}} placeholders substitute and what the
 * {@code BATON_NAME} environment variables carry. An absent value (no placement, no previous placement, an
 * unknown decision time) is the empty string.
 */
final class HookValues {
    private final Map<String, String> byName;

    private HookValues(Map<String, String> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    static HookValues of(Intent intent) {
        Optional<Placement> now = intent.placement();
        Optional<Placement> before = intent.previous();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("service", intent.scope());
        values.put("instance", now.map(Placement::instance).orElse(""));
        values.put("address", now.map(Placement::address).orElse(""));
        values.put("previous_instance", before.map(Placement::instance).orElse(""));
        values.put("previous_address", before.map(Placement::address).orElse(""));
        values.put("term", Long.toString(intent.fence().term()));
        values.put("index", Long.toString(intent.fence().index()));
        values.put("reason", intent.reason());
        values.put("role", intent.role().text());
        values.put("droplet_id", now.flatMap(Placement::dropletId).map(String::valueOf).orElse(""));
        values.put("member", now.flatMap(Placement::member).map(String::valueOf).orElse(""));
        values.put("decided_at", decidedAt(intent).orElse(""));
        return new HookValues(values);
    }

    /** The decision time as ISO-8601 UTC ({@code 2024-05-01T12:00:03.250Z}); empty when unknown (0). */
    static Optional<String> decidedAt(Intent intent) {
        long millis = intent.decidedAtEpochMillis();
        return millis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis).toString());
    }

    /** The value of a placeholder name, or null when there is no such name. */
    String get(String name) {
        return byName.get(name);
    }

    /** {@code BATON_SERVICE}, {@code BATON_INSTANCE}, ... one per value, in a stable order. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        byName.forEach((name, value) -> env.put("BATON_" + name.toUpperCase(Locale.ROOT), value));
        return env;
    }
}
