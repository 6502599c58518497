package dev.baton.agent.config;

import dev.baton.agent.dns.UdpTransportChoice;
import dev.baton.agent.dns.WhenIsolated;
import dev.baton.agent.dns.ratelimit.RateLimitSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@code dns} section. */
final class DnsReader {
    private DnsReader() {
    }

    /** Reads {@code dns}; {@code members} (empty when the cluster section was invalid) give the default NS set. */
    static Optional<DnsConfig> read(ConfigNode dns, Optional<List<MemberConfig>> members) {
        if (dns.requireMap().isEmpty()) return Optional.empty();
        dns.allowOnly("listen", "zone", "ttl", "when_isolated", "nameservers", "hostmaster", "rate_limit",
                "transport");

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

        Optional<List<NameServerConfig>> nameservers = zone.flatMap(z -> NameServersReader.read(
                dns.get("nameservers"), z, members));
        Optional<String> hostmaster = zone.flatMap(z -> readHostmaster(dns.get("hostmaster"), z));
        Optional<RateLimitSettings> rateLimit = readRateLimit(dns.get("rate_limit"));
        Optional<UdpTransportChoice> transport = readTransport(dns.get("transport"));

        if (listen.isEmpty() || zone.isEmpty() || ttl.isEmpty() || whenIsolated.isEmpty() || nameservers.isEmpty()
                || hostmaster.isEmpty() || rateLimit.isEmpty() || transport.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DnsConfig(listen.get(), zone.get(), ttl.get(), whenIsolated.get(), nameservers.get(),
                hostmaster.get(), rateLimit.get(), transport.get()));
    }

    /**
     * The SOA RNAME (RFC 1035 §3.3.13: a mailbox written as a name), default {@code hostmaster.<zone>}; the mail
     * form {@code hostmaster@example.com} is accepted when its local part has no dot.
     */
    private static Optional<String> readHostmaster(ConfigNode node, String zone) {
        if (!node.isPresent()) return Optional.of(DnsConfig.defaultHostmaster(zone));
        return node.requireText().flatMap(text -> {
            int at = text.indexOf('@');
            String name = at < 0 ? text : text.substring(0, at).contains(".") ? "" : text.replace('@', '.');
            if (!DnsNames.isHostName(name) || name.indexOf('.') == name.length() - 1 || !name.contains(".")) {
                node.error(node.describe() + " is not a mailbox name (e.g. hostmaster.example.com., or"
                        + " hostmaster@example.com)");
                return Optional.empty();
            }
            return Optional.of(DnsNames.toAbsolute(name));
        });
    }

    /**
     * {@code transport}: {@code auto | native | jdk}. The old {@code epoll} (Netty's transport, replaced by
     * Baton's own native loop) still reads as {@code native}, with a warning, so existing files keep working.
     */
    private static Optional<UdpTransportChoice> readTransport(ConfigNode node) {
        if (!node.isPresent()) return Optional.of(DnsConfig.DEFAULT_TRANSPORT);
        if (node.isText() && node.asText().filter(DnsConfig.OLD_NATIVE_TRANSPORT_NAME::equals).isPresent()) {
            node.warn("\"epoll\" is now called \"native\" (Baton's own recvmmsg/sendmmsg loop replaced Netty's epoll"
                    + " transport) and reads as native; write native, or auto");
            return Optional.of(UdpTransportChoice.NATIVE);
        }
        return node.asEnum(UdpTransportChoice.class);
    }

    /** {@code rate_limit}: BIND's response rate limiting, on by default ({@link RateLimitSettings#DEFAULTS}). */
    private static Optional<RateLimitSettings> readRateLimit(ConfigNode node) {
        if (!node.isPresent()) return Optional.of(RateLimitSettings.DEFAULTS);
        if (node.asMap().isEmpty()) return Optional.empty();
        node.allowOnly("responses_per_second", "slip", "window", "ipv4_prefix_length", "ipv6_prefix_length",
                "max_prefixes", "exempt_loopback");
        RateLimitSettings d = RateLimitSettings.DEFAULTS;
        Optional<Integer> rate = intIn(node.get("responses_per_second"), d.responsesPerSecond(), 0, 1_000_000);
        Optional<Integer> slip = intIn(node.get("slip"), d.slip(), 0, RateLimitSettings.MAX_SLIP);
        ConfigNode windowNode = node.get("window");
        Optional<Duration> window = windowNode.isPresent() ? windowNode.asDuration().filter(w -> {
            boolean ok = w.compareTo(Duration.ofSeconds(1)) >= 0 && w.compareTo(RateLimitSettings.MAX_WINDOW) <= 0;
            if (!ok) windowNode.error(windowNode.describe() + " must be from 1s to 1h");
            return ok;
        }) : Optional.of(d.window());
        Optional<Integer> v4 = intIn(node.get("ipv4_prefix_length"), d.ipv4PrefixLength(), 1, 32);
        Optional<Integer> v6 = intIn(node.get("ipv6_prefix_length"), d.ipv6PrefixLength(), 1, 64);
        Optional<Integer> max = intIn(node.get("max_prefixes"), d.maxPrefixes(), 1, 10_000_000);
        ConfigNode exemptNode = node.get("exempt_loopback");
        Optional<Boolean> exempt = exemptNode.isPresent() ? exemptNode.asBoolean() : Optional.of(d.exemptLoopback());
        if (rate.isEmpty() || slip.isEmpty() || window.isEmpty() || v4.isEmpty() || v6.isEmpty() || max.isEmpty()
                || exempt.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RateLimitSettings(rate.get(), slip.get(), window.get(), v4.get(), v6.get(), max.get(),
                exempt.get()));
    }

    private static Optional<Integer> intIn(ConfigNode node, int defaultValue, int min, int max) {
        if (!node.isPresent()) return Optional.of(defaultValue);
        return node.asInt().filter(n -> {
            if (n < min || n > max) node.error(n + " is out of range; it must be from " + min + " to " + max);
            return n >= min && n <= max;
        });
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
