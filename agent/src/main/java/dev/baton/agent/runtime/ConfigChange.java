package dev.baton.agent.runtime;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ClusterConfig;
import dev.baton.agent.config.DnsConfig;
import dev.baton.agent.config.ServiceConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reload ({@code baton reload}, SIGHUP) would change, between the running config and the file re-read:
 * the services added, removed and changed, whether the zone's answers, the publishers or the log format
 * change, and what a running node cannot take without a restart. A reload applies all of it or, when
 * {@link #restartNeeded()} is not empty, nothing. Pure.
 *
 * <p>Needs a restart: anything under {@code cluster} (membership, this node's id, the key, the data directory,
 * the timings: the election is built from them once), and the sockets and server settings of {@code api} and
 * {@code dns} ({@code listen}, {@code when_isolated}, {@code rate_limit}). Reloaded in place: {@code services}
 * (checks, instances, policies, publishers), {@code dns.ttl}, {@code dns.zone}, {@code dns.nameservers},
 * {@code dns.hostmaster}, {@code leader.publish} and {@code logging}.
 *
 * @param restartNeeded the changed keys a running node refuses, each with why (empty when reloadable)
 * @param added         services only the new config has, in its order
 * @param removed       services only the running config has
 * @param changed       services in both whose definition differs
 */
record ConfigChange(List<String> restartNeeded, List<String> added, List<String> removed, List<String> changed,
                    boolean zoneChanged, boolean publishersChanged, boolean logFormatChanged) {

    static ConfigChange between(BatonConfig running, BatonConfig reloaded) {
        List<String> restart = new ArrayList<>();
        ClusterConfig a = running.cluster();
        ClusterConfig b = reloaded.cluster();
        if (!a.name().equals(b.name())) restart.add("cluster.name");
        if (a.node() != b.node()) restart.add("cluster.node");
        if (!a.members().equals(b.members())) restart.add("cluster.members");
        if (!a.key().equals(b.key())) restart.add("cluster.key_file");
        if (!a.dataDir().equals(b.dataDir())) restart.add("cluster.data_dir");
        if (!a.timings().equals(b.timings())) restart.add("cluster.timings");
        if (!running.api().equals(reloaded.api())) restart.add("api");
        DnsConfig da = running.dns();
        DnsConfig db = reloaded.dns();
        if (!da.listen().equals(db.listen())) restart.add("dns.listen");
        if (da.whenIsolated() != db.whenIsolated()) restart.add("dns.when_isolated");
        if (!da.rateLimit().equals(db.rateLimit())) restart.add("dns.rate_limit");
        if (da.transport() != db.transport()) restart.add("dns.transport");

        Map<String, ServiceConfig> before = byName(running.services());
        Map<String, ServiceConfig> after = byName(reloaded.services());
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (ServiceConfig s : reloaded.services()) {
            ServiceConfig old = before.get(s.name());
            if (old == null) added.add(s.name());
            else if (!old.equals(s)) changed.add(s.name());
        }
        List<String> removed = new ArrayList<>();
        for (ServiceConfig s : running.services()) if (!after.containsKey(s.name())) removed.add(s.name());

        boolean zone = !da.zone().equals(db.zone()) || !da.ttl().equals(db.ttl())
                || !da.nameservers().equals(db.nameservers()) || !da.hostmaster().equals(db.hostmaster());
        Set<String> touched = new TreeSet<>(added);
        touched.addAll(removed);
        touched.addAll(changed);
        boolean publishers = !running.leaderPublish().equals(reloaded.leaderPublish())
                || touched.stream().anyMatch(name -> hasPublishers(before.get(name)) || hasPublishers(after.get(name)));
        return new ConfigChange(List.copyOf(restart), List.copyOf(added), List.copyOf(removed), List.copyOf(changed),
                zone, publishers, running.logFormat() != reloaded.logFormat());
    }

    /** Whether the reload changes nothing at all. */
    boolean isEmpty() {
        return restartNeeded.isEmpty() && added.isEmpty() && removed.isEmpty() && changed.isEmpty() && !zoneChanged
                && !publishersChanged && !logFormatChanged;
    }

    /** One line for the log and the status document, e.g. {@code services +1 -0 ~2 (api added), zone, log format}. */
    String describe() {
        if (!restartNeeded.isEmpty()) {
            return "refused: " + String.join(", ", restartNeeded) + " changed; these need a restart of the node"
                    + " (nothing was applied)";
        }
        if (isEmpty()) return "no change";
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty() || !removed.isEmpty() || !changed.isEmpty()) {
            parts.add("services +" + added.size() + " -" + removed.size() + " ~" + changed.size()
                    + name("added", added) + name("removed", removed) + name("changed", changed));
        }
        if (zoneChanged) parts.add("zone settings (ttl, nameservers)");
        if (publishersChanged) parts.add("publishers restarted");
        if (logFormatChanged) parts.add("log format");
        return "applied: " + String.join("; ", parts);
    }

    private static String name(String what, List<String> names) {
        return names.isEmpty() ? "" : " (" + what + ": " + String.join(", ", names) + ")";
    }

    private static boolean hasPublishers(ServiceConfig service) {
        return service != null && !service.publish().isEmpty();
    }

    private static Map<String, ServiceConfig> byName(List<ServiceConfig> services) {
        Map<String, ServiceConfig> out = new LinkedHashMap<>();
        for (ServiceConfig s : services) out.put(s.name(), s);
        return out;
    }
}
