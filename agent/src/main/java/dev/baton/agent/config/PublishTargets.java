package dev.baton.agent.config;

import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.config.publish.PublisherConfig;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.VipConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two publishers that write the same external thing (one DNS record, one reserved IP, one VIP) would undo each
 * other's writes forever, each fenced by a different service's decisions: refuse such a config.
 */
final class PublishTargets {
    private PublishTargets() {
    }

    static void checkDistinct(List<ServiceConfig> services, List<PublisherConfig> leaderPublish, ConfigNode root) {
        Map<String, String> owner = new HashMap<>();
        for (int s = 0; s < services.size(); s++) {
            List<PublisherConfig> publish = services.get(s).publish();
            for (int p = 0; p < publish.size(); p++) {
                claim(owner, publish.get(p), "services[" + s + "].publish[" + p + "]", root);
            }
        }
        for (int p = 0; p < leaderPublish.size(); p++) {
            claim(owner, leaderPublish.get(p), "leader.publish[" + p + "]", root);
        }
    }

    private static void claim(Map<String, String> owner, PublisherConfig config, String path, ConfigNode root) {
        Optional<String> key = exclusiveTarget(config);
        if (key.isEmpty()) return;
        String previous = owner.putIfAbsent(key.get(), path);
        if (previous != null) {
            root.get(path).error(key.get() + " is also published by " + previous + "; each can have only one owner");
        }
    }

    /** What only one publisher may own; empty for hooks, which may repeat. */
    private static Optional<String> exclusiveTarget(PublisherConfig config) {
        if (config instanceof Rfc2136Config c) return Optional.of("record " + c.record() + " at " + c.server());
        if (config instanceof DigitalOceanDnsConfig c) {
            return Optional.of("DigitalOcean record " + c.record() + " of " + c.domain());
        }
        if (config instanceof DigitalOceanFloatingIpConfig c) return Optional.of("reserved IP " + c.ip());
        if (config instanceof VipConfig c) return Optional.of("VIP " + c.address().getHostAddress());
        return Optional.empty();
    }
}
