package dev.baton.agent.runtime;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceAddress;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.dns.AnswerTable;
import dev.baton.agent.dns.ServiceTarget;
import dev.baton.agent.dns.ZoneSettings;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Turns the committed decisions into the DNS server's immutable answer table: one per applied decision. */
final class AnswerTables {
    private final BatonConfig config;
    private final ZoneSettings zone;

    AnswerTables(BatonConfig config) {
        this.config = config;
        try {
            this.zone = ZoneSettings.defaults(Name.fromString(config.dns().zone()), config.dns().ttl());
        } catch (TextParseException e) {
            throw new IllegalArgumentException("dns.zone: " + e.getMessage(), e);
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
