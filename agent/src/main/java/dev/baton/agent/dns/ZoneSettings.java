package dev.baton.agent.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.xbill.DNS.Name;

/**
 * The static part of the zone Baton serves: its origin, the TTL of service answers, the SOA fields and the
 * name servers. The SOA serial is not here: it comes from each {@link AnswerTable} (the decision index), so
 * that it changes whenever the answers change.
 *
 * <p>SOA refresh, retry and expire only matter to secondaries doing zone transfers, which Baton does not
 * offer (every node answers from the replicated log); they get conventional values. {@code minimum} is the
 * negative-caching bound of RFC 2308 §4: negative answers carry {@code min(minimum, ttl)}.
 *
 * @param origin      absolute zone apex, e.g. {@code svc.example.com.}
 * @param ttl         TTL of service answers and of the apex SOA/NS records; whole seconds, 0 allowed
 * @param mname       SOA MNAME (primary server), default {@code ns1.<origin>}
 * @param rname       SOA RNAME (mailbox as a name), default {@code hostmaster.<origin>}
 * @param refresh     SOA REFRESH
 * @param retry       SOA RETRY
 * @param expire      SOA EXPIRE
 * @param minimum     SOA MINIMUM, the negative-caching TTL bound
 * @param nameServers the apex NS names, in order, at least one; default {@code [ns1.<origin>]}
 * @param glue        addresses of NS names inside the zone, answered for A/AAAA and added to NS answers; may be
 *                    empty (then in-zone NS names do not resolve here, and the parent zone must hold glue)
 */
public record ZoneSettings(
        Name origin,
        Duration ttl,
        Name mname,
        Name rname,
        Duration refresh,
        Duration retry,
        Duration expire,
        Duration minimum,
        List<Name> nameServers,
        Map<Name, List<InetAddress>> glue) {

    public static final Duration DEFAULT_REFRESH = Duration.ofHours(1);
    public static final Duration DEFAULT_RETRY = Duration.ofMinutes(10);
    public static final Duration DEFAULT_EXPIRE = Duration.ofDays(7);
    public static final Duration DEFAULT_MINIMUM = Duration.ofMinutes(1);
    /** RFC 2181 §8: TTLs are 31-bit unsigned. */
    public static final long MAX_TTL_SECONDS = 0x7FFF_FFFFL;

    public ZoneSettings {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(mname, "mname");
        Objects.requireNonNull(rname, "rname");
        requireAbsolute("origin", origin);
        requireAbsolute("mname", mname);
        requireAbsolute("rname", rname);
        requireTtl("ttl", ttl);
        requireTtl("refresh", refresh);
        requireTtl("retry", retry);
        requireTtl("expire", expire);
        requireTtl("minimum", minimum);
        Objects.requireNonNull(nameServers, "nameServers");
        if (nameServers.isEmpty()) throw new IllegalArgumentException("nameServers: at least one NS name is required");
        for (Name ns : nameServers) requireAbsolute("nameServers", ns);
        nameServers = List.copyOf(new LinkedHashSet<>(nameServers));
        Objects.requireNonNull(glue, "glue");
        Map<Name, List<InetAddress>> glueCopy = new LinkedHashMap<>();
        for (Map.Entry<Name, List<InetAddress>> e : glue.entrySet()) {
            Name host = e.getKey();
            requireAbsolute("glue", host);
            if (!nameServers.contains(host)) {
                throw new IllegalArgumentException("glue: " + host + " is not one of the NS names " + nameServers);
            }
            if (!host.subdomain(origin)) {
                // Out-of-zone glue would make us answer for names we are not authoritative for (RFC 1034 §4.2.1).
                throw new IllegalArgumentException("glue: " + host + " is outside the zone " + origin);
            }
            List<InetAddress> addresses = List.copyOf(e.getValue());
            if (addresses.isEmpty()) throw new IllegalArgumentException("glue: no address for " + host);
            glueCopy.put(host, addresses);
        }
        glue = Map.copyOf(glueCopy);
    }

    /** The zone with default SOA fields, {@code ns1.<origin>} as its only name server and no glue. */
    public static ZoneSettings defaults(Name origin, Duration ttl) {
        Objects.requireNonNull(origin, "origin");
        requireAbsolute("origin", origin);
        Name ns1 = child("ns1", origin);
        return new ZoneSettings(origin, ttl, ns1, child("hostmaster", origin), DEFAULT_REFRESH, DEFAULT_RETRY,
                DEFAULT_EXPIRE, DEFAULT_MINIMUM, List.of(ns1), Map.of());
    }

    /** A copy with other name servers and glue; the SOA MNAME becomes the first NS name. */
    public ZoneSettings withNameServers(List<Name> names, Map<Name, List<InetAddress>> glueAddresses) {
        Objects.requireNonNull(names, "nameServers");
        if (names.isEmpty()) throw new IllegalArgumentException("nameServers: at least one NS name is required");
        return new ZoneSettings(origin, ttl, names.get(0), rname, refresh, retry, expire, minimum, names,
                glueAddresses);
    }

    long ttlSeconds() {
        return ttl.getSeconds();
    }

    /** RFC 2308 §3: the SOA in a negative answer carries min(SOA MINIMUM, SOA TTL). */
    long negativeTtlSeconds() {
        return Math.min(minimum.getSeconds(), ttl.getSeconds());
    }

    private static Name child(String label, Name origin) {
        try {
            return Name.concatenate(Name.fromString(label), origin);
        } catch (Exception e) {
            throw new IllegalArgumentException("origin: " + origin + " is too long to hold " + label + "." + origin, e);
        }
    }

    private static void requireAbsolute(String key, Name name) {
        if (!name.isAbsolute()) throw new IllegalArgumentException(key + ": " + name + " must be absolute (end with a dot)");
    }

    private static void requireTtl(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isNegative()) throw new IllegalArgumentException(key + ": must not be negative, got " + d);
        if (d.getSeconds() > MAX_TTL_SECONDS) throw new IllegalArgumentException(key + ": at most 2^31-1 seconds, got " + d);
        if (d.getNano() != 0) throw new IllegalArgumentException(key + ": must be whole seconds, got " + d);
    }
}
