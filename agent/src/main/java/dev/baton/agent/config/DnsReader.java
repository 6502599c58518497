package dev.baton.agent.config;

import dev.baton.agent.dns.WhenIsolated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@code dns} section. */
final class DnsReader {
    private DnsReader() {
    }

    static Optional<DnsConfig> read(ConfigNode dns) {
        if (dns.requireMap().isEmpty()) return Optional.empty();
        dns.allowOnly("listen", "zone", "ttl", "when_isolated");

        Optional<List<HostPort>> listen = readListen(dns.get("listen"));

        ConfigNode zoneNode = dns.get("zone");
        Optional<String> zone = zoneNode.requireText().flatMap(z -> {
            if (z.equals(".") || !DnsNames.isHostName(z)) {
                zoneNode.error(zoneNode.describe() + " is not a domain name (labels of letters, digits and hyphens,"
                        + " e.g. ha.example.com)");
                return Optional.empty();
            }
            return Optional.of(DnsNames.toAbsolute(z));
        });

        ConfigNode ttlNode = dns.get("ttl");
        Optional<Duration> ttl = ttlNode.isPresent() ? ttlNode.asDuration().filter(t -> {
            if (t.compareTo(DnsConfig.MAX_TTL) > 0) {
                ttlNode.error(ttlNode.describe() + " must be at most " + Durations.format(DnsConfig.MAX_TTL));
                return false;
            }
            if (t.toMillis() % 1000 != 0) { // RFC 1035 section 3.2.1: TTLs are whole seconds
                ttlNode.error(ttlNode.describe() + " must be whole seconds (DNS TTLs have no fractions)");
                return false;
            }
            return true;
        }) : Optional.of(DnsConfig.DEFAULT_TTL);

        ConfigNode isolatedNode = dns.get("when_isolated");
        Optional<WhenIsolated> whenIsolated = isolatedNode.isPresent()
                ? isolatedNode.asEnum(WhenIsolated.class) : Optional.of(DnsConfig.DEFAULT_WHEN_ISOLATED);

        if (listen.isEmpty() || zone.isEmpty() || ttl.isEmpty() || whenIsolated.isEmpty()) return Optional.empty();
        return Optional.of(new DnsConfig(listen.get(), zone.get(), ttl.get(), whenIsolated.get()));
    }

    /** A list of host:port, or a single host:port string for convenience. */
    private static Optional<List<HostPort>> readListen(ConfigNode listen) {
        if (listen.isText()) return listen.parseText(HostPort::parse).map(List::of);
        Optional<List<ConfigNode>> items = listen.requireNonEmptyList(true);
        if (items.isEmpty()) return Optional.empty();
        List<HostPort> endpoints = new ArrayList<>();
        for (ConfigNode item : items.get()) {
            Optional<HostPort> endpoint = item.parseText(HostPort::parse);
            if (endpoint.isPresent() && endpoints.contains(endpoint.get())) {
                item.error("duplicate endpoint " + endpoint.get());
            }
            endpoint.ifPresent(endpoints::add);
        }
        return endpoints.size() == items.get().size() ? Optional.of(endpoints) : Optional.empty();
    }
}
