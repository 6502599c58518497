package dev.baton.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A position in the parsed YAML tree together with its path ({@code services[0].check}). Typed reads report
 * a wrong type as an error at this path and return empty, so reading goes on and every problem is found.
 * An explicit YAML null ({@code key:} with nothing after it) counts as absent.
 */
final class ConfigNode {
    private final JsonNode value; // null when absent
    private final String path;
    private final ConfigErrors errors;

    ConfigNode(JsonNode value, String path, ConfigErrors errors) {
        this.value = value == null || value.isNull() || value.isMissingNode() ? null : value;
        this.path = path;
        this.errors = errors;
    }

    String path() {
        return path;
    }

    boolean isPresent() {
        return value != null;
    }

    void error(String message) {
        errors.add(path, message);
    }

    void warn(String message) {
        errors.warn(path, message);
    }

    /** The child {@code key} of a map (absent if this is absent or not a map). */
    ConfigNode get(String key) {
        JsonNode child = value != null && value.isObject() ? value.get(key) : null;
        return new ConfigNode(child, path.isEmpty() ? key : path + "." + key, errors);
    }

    /** Present and a map; otherwise reports a wrong type (or nothing, if absent) and returns empty. */
    Optional<ConfigNode> asMap() {
        if (value == null) return Optional.empty();
        if (!value.isObject()) {
            error("expected a map of keys, got " + describe());
            return Optional.empty();
        }
        return Optional.of(this);
    }

    /** Like {@link #asMap()} but reports {@code required} when absent. */
    Optional<ConfigNode> requireMap() {
        if (value == null) error("required");
        return asMap();
    }

    /** The keys present in this map, in file order. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        if (value != null && value.isObject()) value.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Reports every key of this map that is not allowed, naming the allowed ones (typo help). */
    void allowOnly(String... allowed) {
        Set<String> set = new LinkedHashSet<>(Arrays.asList(allowed));
        for (String key : keys()) {
            if (!set.contains(key)) get(key).error("unknown key; allowed: " + String.join(", ", set));
        }
    }

    /** The elements of a list; reports a wrong type. */
    Optional<List<ConfigNode>> asList() {
        if (value == null) return Optional.empty();
        if (!value.isArray()) {
            error("expected a list, got " + describe());
            return Optional.empty();
        }
        List<ConfigNode> items = new ArrayList<>();
        Iterator<JsonNode> it = value.elements();
        for (int i = 0; it.hasNext(); i++) items.add(new ConfigNode(it.next(), path + "[" + i + "]", errors));
        return Optional.of(items);
    }

    /** A non-empty list; reports absent (when {@code required}), wrong type and empty. */
    Optional<List<ConfigNode>> requireNonEmptyList(boolean required) {
        if (value == null) {
            if (required) error("required");
            return Optional.empty();
        }
        Optional<List<ConfigNode>> items = asList();
        if (items.isPresent() && items.get().isEmpty()) {
            error("must not be empty");
            return Optional.empty();
        }
        return items;
    }

    boolean isList() {
        return value != null && value.isArray();
    }

    boolean isText() {
        return value != null && value.isTextual();
    }

    /** A string scalar. Numbers and booleans are wrong types here: YAML {@code 1.10} is not the text "1.10". */
    Optional<String> asText() {
        if (value == null) return Optional.empty();
        if (!value.isTextual()) {
            error("expected a string, got " + describe());
            return Optional.empty();
        }
        return Optional.of(value.textValue());
    }

    Optional<String> requireText() {
        if (value == null) error("required");
        Optional<String> text = asText();
        if (text.isPresent() && text.get().isBlank()) {
            error("must not be empty");
            return Optional.empty();
        }
        return text;
    }

    Optional<Integer> asInt() {
        if (value == null) return Optional.empty();
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            error("expected a whole number, got " + describe());
            return Optional.empty();
        }
        return Optional.of(value.intValue());
    }

    Optional<Long> asLong() {
        if (value == null) return Optional.empty();
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            error("expected a whole number, got " + describe());
            return Optional.empty();
        }
        return Optional.of(value.longValue());
    }

    Optional<Integer> requireInt() {
        if (value == null) error("required");
        return asInt();
    }

    Optional<Boolean> asBoolean() {
        if (value == null) return Optional.empty();
        if (!value.isBoolean()) {
            error("expected true or false, got " + describe());
            return Optional.empty();
        }
        return Optional.of(value.booleanValue());
    }

    /** A duration string ({@link Durations}); a bare number is rejected with a hint to add a unit. */
    Optional<Duration> asDuration() {
        if (value == null) return Optional.empty();
        if (value.isNumber()) {
            error("expected a duration with a unit (ms, s, m, h), got " + describe() + "; write e.g. "
                    + value.asText() + "ms or " + value.asText() + "s");
            return Optional.empty();
        }
        return parseText(Durations::parse);
    }

    /** A string parsed by {@code parser}, whose {@link IllegalArgumentException} message becomes the error. */
    <T> Optional<T> parseText(Function<String, T> parser) {
        Optional<String> text = asText();
        if (text.isEmpty()) return Optional.empty();
        try {
            return Optional.of(parser.apply(text.get()));
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return Optional.empty();
        }
    }

    /** One of an enum's config names ({@code keep_last}); reports the allowed ones otherwise. */
    <E extends Enum<E>> Optional<E> asEnum(Class<E> type) {
        Optional<String> text = asText();
        if (text.isEmpty()) return Optional.empty();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(text.get())) return Optional.of(constant);
        }
        List<String> names = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        error("\"" + text.get() + "\" is not one of: " + String.join(", ", names));
        return Optional.empty();
    }

    /** The value as it appears in the file, quoted if text, for use in messages. */
    String describe() {
        if (value == null) return "nothing";
        if (value.isTextual()) return "\"" + value.textValue() + "\"";
        if (value.isArray()) return "a list";
        if (value.isObject()) return "a map";
        return value.asText();
    }
}
