package dev.baton.agent.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Everything the DNS server answers for one committed decision, precomputed: an immutable map from each
 * existing name of the zone to its records. Build a new table per decision and publish it through an
 * {@code AtomicReference}; readers never lock and never see a half-built table.
 *
 * <p>Thread-safe (immutable). Building validates the input and throws {@link IllegalArgumentException} naming
 * the offending service; lookups never throw.
 */
public final class AnswerTable {

    /** The SOA serial is an unsigned 32-bit number (RFC 1035 §3.3.13). */
    public static final long MAX_SERIAL = 0xFFFF_FFFFL;

    private static final String SERVICE_LABELS = "[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*";

    private final ZoneSettings zone;
    private final long serial;
    private final Map<String, ServiceTarget> services;
    private final Map<Name, ZoneNode> nodes;
    private final Record negativeSoa;
    /** Encoded answers for the fast path; a memo, so the table stays immutable in what it answers. */
    private final ResponseCache responses;

    private AnswerTable(ZoneSettings zone, long serial, Map<String, ServiceTarget> services,
                        Map<Name, ZoneNode> nodes, Record negativeSoa) {
        this.zone = zone;
        this.serial = serial;
        this.services = services;
        this.nodes = nodes;
        this.negativeSoa = negativeSoa;
        this.responses = new ResponseCache(nodes.size());
    }

    /** A table with the apex records only: every service name is NXDOMAIN. */
    public static AnswerTable empty(ZoneSettings zone, long serial) {
        return build(zone, serial, Map.of());
    }

    /**
     * Builds the table.
     *
     * @param zone     the zone settings
     * @param serial   the SOA serial, in [0, 2^32-1]: the decision index, or epoch seconds
     * @param services service name relative to the zone (e.g. {@code db} or {@code db.eu}; an absolute name
     *                 inside the zone is accepted too) to what it answers; compared case-insensitively
     * @throws IllegalArgumentException for an invalid or duplicate service name, a name that collides with an
     *                                  NS host name, or a serial out of range
     */
    public static AnswerTable build(ZoneSettings zone, long serial, Map<String, ServiceTarget> services) {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(services, "services");
        if (serial < 0 || serial > MAX_SERIAL) {
            throw new IllegalArgumentException("serial must be in [0, 2^32-1], got " + serial);
        }
        Name origin = zone.origin();
        long ttl = zone.ttlSeconds();
        Map<Name, NodeBuilder> builders = new HashMap<>();

        NodeBuilder apex = builders.computeIfAbsent(origin, NodeBuilder::new);
        apex.add(soa(zone, serial, ttl));
        for (Name ns : zone.nameServers()) apex.add(new NSRecord(origin, DClass.IN, ttl, ns));
        List<Record> glue = new ArrayList<>();
        for (Name ns : zone.nameServers()) {
            List<InetAddress> addresses = zone.glue().get(ns);
            if (addresses == null) continue;
            NodeBuilder host = builders.computeIfAbsent(ns, NodeBuilder::new);
            for (InetAddress address : addresses) {
                Record r = addressRecord(ns, ttl, address);
                host.add(r);
                glue.add(r);
            }
        }
        // Group glue by owner and type so that truncation drops whole RRsets (RFC 2181 §9).
        glue.sort((a, b) -> a.getName().equals(b.getName())
                ? Integer.compare(a.getType(), b.getType()) : a.getName().compareTo(b.getName()));
        apex.additional.addAll(glue);

        Map<String, ServiceTarget> serviceCopy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, ServiceTarget> e : services.entrySet()) {
            String service = Objects.requireNonNull(e.getKey(), "service name");
            ServiceTarget target = Objects.requireNonNull(e.getValue(), () -> "target of service " + service);
            Name name = serviceName(service, origin);
            if (serviceCopy.containsKey(name.relativize(origin).toString())) {
                throw new IllegalArgumentException("service " + service + ": defined twice (names are case-insensitive)");
            }
            if (builders.containsKey(name)) {
                throw new IllegalArgumentException("service " + service + ": " + name + " is the zone apex or an NS host name");
            }
            serviceCopy.put(name.relativize(origin).toString(), target);
            serviceData(builders.computeIfAbsent(name, NodeBuilder::new), target, origin, ttl);
        }

        // Ancestors between a name and the apex exist as empty non-terminals (RFC 8020 / RFC 4592 §2.2.2).
        for (NodeBuilder b : List.copyOf(builders.values())) {
            Name n = b.name;
            while (n.labels() > origin.labels() + 1) {
                n = new Name(n, 1);
                NodeBuilder ent = builders.computeIfAbsent(n, NodeBuilder::new);
                ent.serviceData |= b.serviceData;
            }
        }

        Map<Name, ZoneNode> nodes = new HashMap<>(builders.size() * 2);
        for (NodeBuilder b : builders.values()) nodes.put(b.name, b.build());
        return new AnswerTable(zone, serial, Map.copyOf(serviceCopy), Map.copyOf(nodes),
                soa(zone, serial, zone.negativeTtlSeconds()));
    }

    /**
     * This table with a new serial and new targets for {@code changed} services, which must all be in it: the
     * names of a zone do not change with decisions, only what they answer. Costs in proportion to the changes
     * (plus one copy of the name index), not to the number of services: unchanged names keep their records.
     *
     * @throws IllegalArgumentException for a service this table does not have, or a serial out of range
     */
    public AnswerTable withServices(long serial, Map<String, ServiceTarget> changed) {
        if (serial < 0 || serial > MAX_SERIAL) {
            throw new IllegalArgumentException("serial must be in [0, 2^32-1], got " + serial);
        }
        Name origin = zone.origin();
        long ttl = zone.ttlSeconds();
        Map<Name, ZoneNode> nodesCopy = new HashMap<>(nodes);
        ZoneNode apex = nodes.get(origin);
        Record newSoa = soa(zone, serial, ttl);
        Map<Integer, List<Record>> apexTypes = new HashMap<>(apex.byType());
        apexTypes.put(Type.SOA, List.of(newSoa));
        List<Record> apexAll = new ArrayList<>(apex.all());
        apexAll.replaceAll(r -> r.getType() == Type.SOA ? newSoa : r);
        nodesCopy.put(origin, new ZoneNode(origin, apex.serviceData(), apex.service(), apex.cname(),
                Map.copyOf(apexTypes), List.copyOf(apexAll), apex.additional()));
        Map<String, ServiceTarget> serviceCopy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        serviceCopy.putAll(services);
        for (Map.Entry<String, ServiceTarget> e : changed.entrySet()) {
            Name name = serviceName(e.getKey(), origin);
            String key = name.relativize(origin).toString();
            if (!serviceCopy.containsKey(key)) {
                throw new IllegalArgumentException("service " + e.getKey() + " is not in this table; build a new one");
            }
            serviceCopy.put(key, Objects.requireNonNull(e.getValue(), () -> "target of service " + key));
            NodeBuilder node = new NodeBuilder(name);
            serviceData(node, e.getValue(), origin, ttl);
            nodesCopy.put(name, node.build());
        }
        return new AnswerTable(zone, serial, Map.copyOf(serviceCopy), Map.copyOf(nodesCopy),
                soa(zone, serial, zone.negativeTtlSeconds()));
    }

    /** A service name's own data: its address record or CNAME, and whose decision its answers depend on. */
    private static void serviceData(NodeBuilder node, ServiceTarget target, Name origin, long ttl) {
        node.serviceData = true;
        node.service = node.name.relativize(origin).toString();
        if (target instanceof ServiceTarget.Ip ip) {
            node.add(addressRecord(node.name, ttl, ip.address()));
        } else if (target instanceof ServiceTarget.HostName host) {
            node.cname = new CNAMERecord(node.name, DClass.IN, ttl, host.name());
            // The answer follows the CNAME into the zone: it depends on that name's decision too.
            if (host.name().subdomain(origin)) node.service = null;
        }
    }

    private static Record soa(ZoneSettings zone, long serial, long ttl) {
        return new SOARecord(zone.origin(), DClass.IN, ttl, zone.mname(), zone.rname(), serial,
                zone.refresh().getSeconds(), zone.retry().getSeconds(), zone.expire().getSeconds(),
                zone.minimum().getSeconds());
    }

    public ZoneSettings zone() {
        return zone;
    }

    public long serial() {
        return serial;
    }

    /** The services as given, keyed by their name relative to the zone. */
    public Map<String, ServiceTarget> services() {
        return services;
    }

    Name origin() {
        return zone.origin();
    }

    /** The node of {@code name}, or null when the name does not exist in the zone. Case-insensitive. */
    ZoneNode lookup(Name name) {
        return nodes.get(name);
    }

    /** The SOA for the authority section of negative answers, with the negative TTL (RFC 2308 §3). */
    Record negativeSoa() {
        return negativeSoa;
    }

    /** The encoded responses of this table, filled by {@link DnsAnswerer} as queries arrive. */
    ResponseCache responses() {
        return responses;
    }

    private static Name serviceName(String service, Name origin) {
        String text = service.strip();
        boolean absolute = text.endsWith(".");
        String labels = absolute ? text.substring(0, text.length() - 1) : text;
        if (!labels.matches(SERVICE_LABELS)) {
            throw new IllegalArgumentException("service " + service
                    + ": not a valid DNS name (letters, digits, '-', '_' in dot-separated labels)");
        }
        Name name;
        try {
            name = absolute ? Name.fromString(text) : Name.concatenate(Name.fromString(labels), origin);
        } catch (TextParseException | NameTooLongException e) {
            throw new IllegalArgumentException("service " + service + ": " + e.getMessage(), e);
        }
        if (!name.subdomain(origin) || name.equals(origin)) {
            throw new IllegalArgumentException("service " + service + ": " + name + " is not inside the zone " + origin);
        }
        return name;
    }

    private static Record addressRecord(Name name, long ttl, InetAddress address) {
        return address instanceof Inet4Address
                ? new ARecord(name, DClass.IN, ttl, address)
                : new AAAARecord(name, DClass.IN, ttl, address);
    }

    private static final class NodeBuilder {
        final Name name;
        boolean serviceData;
        String service;
        Record cname;
        final Map<Integer, List<Record>> byType = new LinkedHashMap<>();
        final List<Record> additional = new ArrayList<>();

        NodeBuilder(Name name) {
            this.name = name;
        }

        void add(Record r) {
            byType.computeIfAbsent(r.getType(), t -> new ArrayList<>()).add(r);
        }

        ZoneNode build() {
            Map<Integer, List<Record>> frozen = new HashMap<>();
            List<Record> all = new ArrayList<>();
            for (int type : new int[] {Type.SOA, Type.NS, Type.A, Type.AAAA}) {
                List<Record> rrs = byType.get(type);
                if (rrs == null) continue;
                frozen.put(type, List.copyOf(rrs));
                all.addAll(rrs);
            }
            if (cname != null) all.add(cname);
            return new ZoneNode(name, serviceData, service, cname, Map.copyOf(frozen), List.copyOf(all),
                    List.copyOf(additional));
        }
    }
}
