package dev.baton.agent.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xbill.DNS.Name;

/** The zones the DNS tests share. */
final class TestZones {

    static final Name ORIGIN = name("svc.example.com.");
    static final long SERIAL = 42;

    private TestZones() {
    }

    static Name name(String text) {
        return Name.fromConstantString(text);
    }

    static InetAddress ip(String literal) {
        return ((ServiceTarget.Ip) ServiceTarget.parse(literal)).address();
    }

    /** ttl 5 s, NS ns1 (with glue) and ns2 in the zone and one outside it. */
    static ZoneSettings zone(Duration ttl) {
        Name ns1 = name("ns1.svc.example.com.");
        return ZoneSettings.defaults(ORIGIN, ttl).withNameServers(
                List.of(ns1, name("ns2.svc.example.com."), name("ns.example.net.")),
                Map.of(ns1, List.of(ip("192.0.2.53"), ip("2001:db8::53"))));
    }

    static Map<String, ServiceTarget> services() {
        Map<String, ServiceTarget> s = new LinkedHashMap<>();
        s.put("db", ServiceTarget.parse("192.0.2.10"));
        s.put("v6", ServiceTarget.parse("2001:db8::10"));
        s.put("web", ServiceTarget.parse("web.example.net"));
        s.put("alias", ServiceTarget.parse("db.svc.example.com."));
        s.put("dangling", ServiceTarget.parse("missing.svc.example.com."));
        s.put("loop1", ServiceTarget.parse("loop2.svc.example.com."));
        s.put("loop2", ServiceTarget.parse("loop1.svc.example.com."));
        s.put("none", ServiceTarget.NONE);
        s.put("a.deep", ServiceTarget.parse("192.0.2.20"));
        return s;
    }

    static AnswerTable table() {
        return AnswerTable.build(zone(Duration.ofSeconds(5)), SERIAL, services());
    }

    /** The usual services in a zone with {@code count} long NS names (about 35 bytes each on the wire). */
    static AnswerTable manyNameServers(int count) {
        List<Name> ns = new ArrayList<>();
        for (int i = 0; i < count; i++) ns.add(name(String.format("nameserver-number-%02d.example.net.", i)));
        ZoneSettings zone = ZoneSettings.defaults(ORIGIN, Duration.ofSeconds(5)).withNameServers(ns, Map.of());
        return AnswerTable.build(zone, SERIAL, services());
    }
}
