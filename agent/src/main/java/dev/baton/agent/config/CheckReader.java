package dev.baton.agent.config;

import dev.baton.agent.check.CheckSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code check} maps. A service's and an instance's maps are merged key by key before they are read,
 * keeping each key's own node, so an error always points at the line that wrote the value: an inherited
 * {@code services[0].check.timeout}, or an overriding {@code services[0].instances[1].check.timeout}.
 */
final class CheckReader {
    static final String ADDRESS = "{address}";
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    static final int MAX_RISE_FALL = 100;
    static final int DEFAULT_MIN_STATUS = 200;
    static final int DEFAULT_MAX_STATUS = 399;

    private static final List<String> KINDS = List.of("http", "tcp", "exec");
    private static final List<String> HTTP_OPTIONS = List.of("expect_status", "body_contains", "insecure");
    private static final List<String> TIMING = List.of("interval", "timeout", "rise", "fall", "jitter");
    private static final String[] ALL_KEYS;

    static {
        List<String> all = new ArrayList<>(KINDS);
        all.addAll(HTTP_OPTIONS);
        all.addAll(TIMING);
        ALL_KEYS = all.toArray(String[]::new);
    }

    private CheckReader() {
    }

    /**
     * The keys of one {@code check} map (empty if absent or not a map), after reporting unknown keys and more
     * than one kind in the same map.
     */
    static Map<String, ConfigNode> keysOf(ConfigNode check) {
        Map<String, ConfigNode> keys = new LinkedHashMap<>();
        if (check.asMap().isEmpty()) return keys;
        check.allowOnly(ALL_KEYS);
        List<String> kinds = check.keys().stream().filter(KINDS::contains).toList();
        if (kinds.size() > 1) check.error("give exactly one of http, tcp, exec; got " + String.join(", ", kinds));
        for (String key : check.keys()) {
            ConfigNode node = check.get(key);
            if (Set.of(ALL_KEYS).contains(key) && node.isPresent()) keys.put(key, node);
        }
        return keys;
    }

    /**
     * The instance's keys replace the service's; a kind given by the instance replaces the service's kind
     * together with its kind options, while timing keys the instance does not give are inherited.
     */
    static Map<String, ConfigNode> merge(Map<String, ConfigNode> service, Map<String, ConfigNode> instance) {
        Map<String, ConfigNode> merged = new LinkedHashMap<>(service);
        if (instance.keySet().stream().anyMatch(KINDS::contains)) {
            KINDS.forEach(merged::remove);
            HTTP_OPTIONS.forEach(merged::remove);
        }
        merged.putAll(instance);
        return merged;
    }

    /**
     * Validates a service-level map on its own, so its mistakes are reported even when every instance
     * overrides them. Templates with {@code {address}} and cross-key rules are checked per instance instead.
     */
    static void validateAlone(Map<String, ConfigNode> keys) {
        readTiming(keys, false);
        readKind(keys, null, null);
    }

    /** The instance's check, or empty after reporting every problem (at {@code missingAt} if there is no kind). */
    static Optional<CheckSpec> build(Map<String, ConfigNode> keys, InstanceAddress address, String instanceName,
                                     ConfigNode missingAt) {
        Optional<CheckSpec.Timing> timing = readTiming(keys, true);
        if (KINDS.stream().noneMatch(keys::containsKey)) {
            missingAt.error("no check: give check with one of http, tcp, exec here or in the service");
            return Optional.empty();
        }
        Optional<KindSpec> kind = readKind(keys, address, instanceName);
        if (timing.isEmpty() || kind.isEmpty()) return Optional.empty();
        return Optional.of(kind.get().withTiming(timing.get()));
    }

    /** The check minus its timing, waiting for it. */
    private interface KindSpec {
        CheckSpec withTiming(CheckSpec.Timing timing);
    }

    // ---- timing -------------------------------------------------------------------------------------------

    private static Optional<CheckSpec.Timing> readTiming(Map<String, ConfigNode> keys, boolean crossKeys) {
        boolean ok = true;
        Duration interval = CheckSpec.Timing.DEFAULT_INTERVAL;
        ConfigNode intervalNode = keys.get("interval");
        if (intervalNode != null) {
            Optional<Duration> d = intervalNode.asDuration();
            if (d.isPresent() && d.get().compareTo(MIN_INTERVAL) < 0) {
                intervalNode.error(intervalNode.describe() + " must be at least " + Durations.format(MIN_INTERVAL));
                d = Optional.empty();
            }
            ok &= d.isPresent();
            interval = d.orElse(interval);
        }

        Duration timeout = interval.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? interval : MAX_DEFAULT_TIMEOUT;
        ConfigNode timeoutNode = keys.get("timeout");
        if (timeoutNode != null) {
            Optional<Duration> d = timeoutNode.asDuration();
            if (d.isPresent() && d.get().isZero()) {
                timeoutNode.error(timeoutNode.describe() + " must be more than 0");
                d = Optional.empty();
            } else if (d.isPresent() && crossKeys && d.get().compareTo(interval) > 0) {
                timeoutNode.error(timeoutNode.describe() + " must not exceed the interval (" + Durations.format(interval)
                        + "): a check must finish before the next one starts");
                d = Optional.empty();
            }
            ok &= d.isPresent();
            timeout = d.orElse(timeout);
        }

        Duration jitter = interval.dividedBy(10);
        ConfigNode jitterNode = keys.get("jitter");
        if (jitterNode != null) {
            Optional<Duration> d = jitterNode.asDuration();
            if (d.isPresent() && crossKeys && d.get().compareTo(interval) > 0) {
                jitterNode.error(jitterNode.describe() + " must not exceed the interval (" + Durations.format(interval) + ")");
                d = Optional.empty();
            }
            ok &= d.isPresent();
            jitter = d.orElse(jitter);
        }

        Optional<Integer> rise = readCount(keys.get("rise"), CheckSpec.Timing.DEFAULT_RISE);
        Optional<Integer> fall = readCount(keys.get("fall"), CheckSpec.Timing.DEFAULT_FALL);
        if (!ok || rise.isEmpty() || fall.isEmpty()) return Optional.empty();
        return Optional.of(new CheckSpec.Timing(interval, timeout, rise.get(), fall.get(), jitter));
    }

    private static Optional<Integer> readCount(ConfigNode node, int defaultValue) {
        if (node == null) return Optional.of(defaultValue);
        Optional<Integer> n = node.asInt();
        if (n.isPresent() && (n.get() < 1 || n.get() > MAX_RISE_FALL)) {
            node.error("must be from 1 to " + MAX_RISE_FALL + ", got " + n.get());
            return Optional.empty();
        }
        return n;
    }

    // ---- kinds --------------------------------------------------------------------------------------------

    /**
     * Reads the kind and its options. With a null {@code address} (service alone), templates that contain
     * {@code {address}} are left for the per-instance pass.
     */
    private static Optional<KindSpec> readKind(Map<String, ConfigNode> keys, InstanceAddress address, String instance) {
        ConfigNode http = keys.get("http");
        if (http == null) {
            for (String option : HTTP_OPTIONS) {
                ConfigNode node = keys.get(option);
                if (node != null) node.error("applies only to http checks");
            }
        }
        if (http != null) return readHttp(http, keys, address, instance);
        if (keys.containsKey("tcp")) return readTcp(keys.get("tcp"), address, instance);
        if (keys.containsKey("exec")) return readExec(keys.get("exec"), address);
        return Optional.empty();
    }

    private static Optional<KindSpec> readHttp(ConfigNode http, Map<String, ConfigNode> keys, InstanceAddress address,
                                               String instance) {
        Optional<URI> url = http.asText().flatMap(template -> {
            if (address == null && template.contains(ADDRESS)) return Optional.empty();
            String text = substitute(template, address, true);
            String problem = urlProblem(text);
            if (problem != null) {
                http.error(quoteTemplate(template, text, instance) + problem);
                return Optional.empty();
            }
            return Optional.of(URI.create(text));
        });
        Optional<int[]> status = Optional.of(new int[] {DEFAULT_MIN_STATUS, DEFAULT_MAX_STATUS});
        ConfigNode expect = keys.get("expect_status");
        if (expect != null) status = readStatusRange(expect);
        Optional<String> body = Optional.empty();
        boolean bodyOk = true;
        ConfigNode bodyNode = keys.get("body_contains");
        if (bodyNode != null) {
            body = bodyNode.asText();
            if (body.isPresent() && body.get().isEmpty()) {
                bodyNode.error("must not be empty");
                body = Optional.empty();
            }
            bodyOk = body.isPresent();
        }
        Optional<Boolean> insecure = Optional.of(false);
        ConfigNode insecureNode = keys.get("insecure");
        if (insecureNode != null) insecure = insecureNode.asBoolean();

        if (url.isEmpty() || status.isEmpty() || !bodyOk || insecure.isEmpty()) return Optional.empty();
        URI u = url.get();
        int[] range = status.get();
        Optional<String> bodyContains = body;
        boolean skipVerify = insecure.get();
        return Optional.of(timing -> new CheckSpec.Http(u, range[0], range[1], bodyContains, skipVerify, timing));
    }

    private static String urlProblem(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return "must be an http:// or https:// URL";
        if (uri.getHost() == null) return "has no valid host";
        return null;
    }

    /** {@code 200}, {@code "200"} or {@code "200-399"}, within 100..599. */
    private static Optional<int[]> readStatusRange(ConfigNode node) {
        String text;
        if (node.isText()) {
            text = node.asText().orElseThrow().strip();
        } else {
            Optional<Integer> single = node.asInt();
            if (single.isEmpty()) return Optional.empty();
            text = single.get().toString();
        }
        String[] parts = text.split("\\s*-\\s*", -1);
        if (parts.length > 2 || !parts[0].matches("\\d{3}") || !parts[parts.length - 1].matches("\\d{3}")) {
            node.error(node.describe() + " is not a status or a range of statuses, e.g. 200 or 200-399");
            return Optional.empty();
        }
        int min = Integer.parseInt(parts[0]);
        int max = Integer.parseInt(parts[parts.length - 1]);
        if (min < 100 || max > 599 || min > max) {
            node.error(node.describe() + " must be a range within 100-599 with the lower bound first");
            return Optional.empty();
        }
        return Optional.of(new int[] {min, max});
    }

    private static Optional<KindSpec> readTcp(ConfigNode tcp, InstanceAddress address, String instance) {
        return tcp.asText().flatMap(template -> {
            if (address == null && template.contains(ADDRESS)) return Optional.empty();
            String text = substitute(template, address, true);
            String problem = HostPort.problem(text);
            if (problem != null) {
                tcp.error(quoteTemplate(template, text, instance) + problem);
                return Optional.empty();
            }
            HostPort target = HostPort.parse(text);
            return Optional.<KindSpec>of(timing -> new CheckSpec.Tcp(target.host(), target.port(), timing));
        });
    }

    /** A list of strings, or one string split on whitespace; no shell is involved. */
    private static Optional<KindSpec> readExec(ConfigNode exec, InstanceAddress address) {
        List<String> words = new ArrayList<>();
        if (exec.isList()) {
            for (ConfigNode item : exec.asList().orElseThrow()) {
                Optional<String> word = item.asText();
                if (word.isEmpty()) return Optional.empty();
                words.add(word.get());
            }
        } else {
            Optional<String> line = exec.asText();
            if (line.isEmpty()) return Optional.empty();
            if (!line.get().isBlank()) words.addAll(List.of(line.get().strip().split("\\s+")));
        }
        if (words.isEmpty() || words.get(0).isBlank()) {
            exec.error("must name a command, e.g. [pg_isready, -h, \"{address}\"]");
            return Optional.empty();
        }
        if (address == null) return Optional.empty();
        List<String> command = words.stream().map(w -> substitute(w, address, false)).toList();
        return Optional.of(timing -> new CheckSpec.Exec(command, timing));
    }

    /**
     * Replaces {@code {address}}. In URLs and host:port, IPv6 needs brackets (RFC 3986 section 3.2.2); in a
     * command's argument it does not. Host names are substituted without the root dot.
     */
    static String substitute(String template, InstanceAddress address, boolean bracketIpv6) {
        if (!template.contains(ADDRESS)) return template;
        String text = address.text();
        if (bracketIpv6 && address instanceof InstanceAddress.Ip ip && ip.isIpv6()) text = "[" + text + "]";
        return template.replace(ADDRESS, text);
    }

    private static String quoteTemplate(String template, String text, String instance) {
        if (template.equals(text)) return "\"" + template + "\" ";
        return "\"" + template + "\" gives \"" + text + "\" for instance " + instance + ", which ";
    }
}
