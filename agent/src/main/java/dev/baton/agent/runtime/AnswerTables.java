package dev.baton.agent.runtime;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.DnsConfig;
import dev.baton.agent.config.NameServerConfig;
import dev.baton.agent.config.InstanceAddress;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.dns.AnswerTable;
import dev.baton.agent.dns.ServiceTarget;
import dev.baton.agent.dns.ZoneSettings;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns the committed decisions into the DNS server's immutable answer table: one per applied decision. */
final class AnswerTables {
    private final BatonConfig config;
    private final ZoneSettings zone;

    AnswerTables(BatonConfig config) {
        this.config = config;
        this.zone = zoneSettings(config.dns());
    }

    /** The zone's fixed part: its NS set (the first is the SOA MNAME), their in-zone addresses, the SOA RNAME. */
    static ZoneSettings zoneSettings(DnsConfig dns) {
        try {
            List<Name> names = new ArrayList<>();
            Map<Name, List<InetAddress>> addresses = new LinkedHashMap<>();
            for (NameServerConfig ns : dns.nameservers()) {
                Name name = Name.fromString(ns.name());
                if (!names.contains(name)) names.add(name);
                ns.address().ifPresent(a -> addresses.computeIfAbsent(name, n -> new ArrayList<>()).add(a));
            }
            ZoneSettings defaults = ZoneSettings.defaults(Name.fromString(dns.zone()), dns.ttl());
            return new ZoneSettings(defaults.origin(), defaults.ttl(), names.get(0), Name.fromString(dns.hostmaster()),
                    defaults.refresh(), defaults.retry(), defaults.expire(), defaults.minimum(), names, addresses);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("dns: " + e.getMessage(), e);
        }
    }

    AnswerTable build(DecisionState.View view) {
        Map<String, ServiceTarget> targets = new LinkedHashMap<>();
        for (ServiceConfig service : config.services()) {
            targets.put(service.name(), target(service, view.active(service.name())));
        }
        // The SOA serial follows the log: every applied decision makes a newer zone.
        return AnswerTable.build(zone, view.appliedIndex() & AnswerTable.MAX_SERIAL, targets);
    }

    /**
     * {@code previous} with the services of {@code changed} answered from {@code view}: one applied batch costs
     * in proportion to what it changed, not to the number of services.
     */
    AnswerTable update(AnswerTable previous, DecisionState.View view, java.util.Collection<String> changed) {
        Map<String, ServiceTarget> targets = new LinkedHashMap<>();
        for (String name : changed) {
            config.service(name).ifPresent(service -> targets.put(name, target(service, view.active(name))));
        }
        return previous.withServices(view.appliedIndex() & AnswerTable.MAX_SERIAL, targets);
    }

    private static ServiceTarget target(ServiceConfig service, Optional<String> active) {
        Optional<InstanceConfig> instance = active.flatMap(service::instance);
        if (instance.isEmpty()) return ServiceTarget.NONE;
        InstanceAddress address = instance.get().address();
        if (address instanceof InstanceAddress.Ip ip) return new ServiceTarget.Ip(ip.address());
        try {
            return new ServiceTarget.HostName(Name.fromString(((InstanceAddress.HostName) address).name()));
        } catch (TextParseException e) {
            throw new IllegalStateException("validated host name did not parse: " + e.getMessage(), e);
        }
    }
}
