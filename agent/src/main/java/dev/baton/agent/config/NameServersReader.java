package dev.baton.agent.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code dns.nameservers}, the zone's NS set, or makes the default: one {@code ns<id>.<zone>} per member,
 * answered with the member's address when that is an IP literal. The zone must name the servers a parent
 * delegates to: a resolver that prefers the child's authoritative NS set over the parent's glue (RFC 2181 §5.4.1
 * ranks it higher) is otherwise left with nothing to ask.
 */
final class NameServersReader {
    private NameServersReader() {
    }

    static Optional<List<NameServerConfig>> read(ConfigNode node, String zone, Optional<List<MemberConfig>> members) {
        if (!node.isPresent()) return members.map(m -> defaults(node, zone, m));
        Optional<List<ConfigNode>> items = node.requireNonEmptyList(true);
        if (items.isEmpty()) return Optional.empty();
        List<NameServerConfig> out = new ArrayList<>();
        boolean ok = true;
        for (ConfigNode item : items.get()) {
            Optional<NameServerConfig> ns = readOne(item, zone);
            if (ns.isPresent() && out.contains(ns.get())) {
                item.error("duplicate name server " + ns.get().name()
                        + ns.get().address().map(a -> " " + a.getHostAddress()).orElse(""));
                ok = false;
            }
            ns.ifPresent(out::add);
            ok &= ns.isPresent();
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    private static Optional<NameServerConfig> readOne(ConfigNode item, String zone) {
        if (item.requireMap().isEmpty()) return Optional.empty();
        item.allowOnly("name", "address");
        ConfigNode nameNode = item.get("name");
        Optional<String> name = nameNode.requireText().flatMap(n -> {
            if (!DnsNames.isHostName(n)) {
                nameNode.error(nameNode.describe() + " is not a host name (e.g. ns1." + zone + ")");
                return Optional.empty();
            }
            String absolute = DnsNames.toAbsolute(n);
            if (absolute.equals(zone)) {
                nameNode.error("the zone apex itself cannot be a name server's name; use e.g. ns1." + zone);
                return Optional.empty();
            }
            return Optional.of(absolute);
        });
        if (name.isEmpty()) return Optional.empty();
        boolean inZone = name.get().endsWith("." + zone);
        ConfigNode addressNode = item.get("address");
        if (!addressNode.isPresent()) {
            if (inZone) {
                addressNode.error("required: " + name.get() + " is inside the zone, so Baton answers its address"
                        + " (and the parent's glue must match it)");
                return Optional.empty();
            }
            return Optional.of(new NameServerConfig(name.get(), Optional.empty()));
        }
        if (!inZone) {
            addressNode.error(name.get() + " is outside the zone " + zone + ": its address is answered by its own"
                    + " zone, not here; remove the address");
            return Optional.empty();
        }
        return addressNode.asText().flatMap(text -> {
            InetAddress ip = IpLiterals.parse(text);
            if (ip == null) addressNode.error(addressNode.describe() + " is not an IPv4 or IPv6 address");
            return Optional.ofNullable(ip);
        }).map(ip -> new NameServerConfig(name.get(), Optional.of(ip)));
    }

    private static List<NameServerConfig> defaults(ConfigNode node, String zone, List<MemberConfig> members) {
        List<NameServerConfig> out = new ArrayList<>();
        for (MemberConfig m : members) {
            String name = "ns" + m.id() + "." + zone;
            InetAddress ip = IpLiterals.parse(m.address().host());
            if (ip == null) {
                node.warn("absent, so the zone's NS set is ns<id>." + zone + " per member, but " + name
                        + " has no address: member " + m.id() + "'s address " + m.address().host()
                        + " is not an IP literal. List the name servers the parent delegates to under"
                        + " dns.nameservers");
            }
            out.add(new NameServerConfig(name, Optional.ofNullable(ip)));
        }
        return out;
    }
}
