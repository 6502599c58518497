package dev.baton.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.agent.check.CheckSpec;
import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.config.publish.ExecHookConfig;
import dev.baton.agent.config.publish.PublisherConfig;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.config.publish.WebhookConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short digest of the parts of a node's config that every node of the cluster must agree on: the zone and
 * every service (policy, failback, vantage, what to answer when none is healthy, its instances with their
 * addresses, priorities and checks, and where its publishers publish). Nodes whose files differ there would
 * judge and answer differently, so the leader ignores the views of a node whose digest differs from its own.
 *
 * <p>Never digested, because they may differ per node: the node's id, the members' and listen addresses, the
 * data directory, the key, the timings, tokens and secret files (their paths and contents), a VIP's interface
 * name, hook commands and exec checks' commands (local programs), the log format. Services and instances are digested in name order, so the order they
 * are written in does not matter. The canonical form is explicit (not a {@code toString}), so that two
 * versions of Baton digest the same file alike during a rolling upgrade.
 *
 * <p>Pure and thread-safe.
 */
public final class ConfigDigest {
    /** Hex characters kept: 64 bits, plenty to tell a handful of files apart, short enough to read in status. */
    static final int LENGTH = 16;
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ConfigDigest() {
    }

    /** The digest of {@code config}'s cluster-wide part: {@value #LENGTH} lower-case hex characters. */
    public static String of(BatonConfig config) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("zone", config.dns().zone());
        Map<String, Object> services = new TreeMap<>();
        for (ServiceConfig service : config.services()) services.put(service.name(), service(service));
        canonical.put("services", services);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsString(canonical)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, LENGTH);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot digest a config", e);
        }
    }

    private static Map<String, Object> service(ServiceConfig service) {
        Map<String, Object> out = new TreeMap<>();
        out.put("policy", service.policy().name());
        out.put("failback", service.failback().toString());
        out.put("vantage", service.vantage().name());
        out.put("when_none_healthy", service.whenNoneHealthy().configName());
        Map<String, Object> instances = new TreeMap<>();
        for (InstanceConfig instance : service.instances()) {
            Map<String, Object> i = new TreeMap<>();
            i.put("address", instance.address().text());
            i.put("priority", instance.priority());
            i.put("check", check(instance.check()));
            instance.dropletId().ifPresent(id -> i.put("droplet_id", id));
            instance.member().ifPresent(m -> i.put("member", m));
            instances.put(instance.name(), i);
        }
        out.put("instances", instances);
        List<Object> publish = new ArrayList<>();
        for (PublisherConfig p : service.publish()) publish.add(target(p));
        out.put("publish", publish);
        return out;
    }

    private static Map<String, Object> check(CheckSpec check) {
        Map<String, Object> out = new TreeMap<>();
        if (check instanceof CheckSpec.Http http) {
            out.put("http", http.url().toString());
            out.put("status", http.minStatus() + "-" + http.maxStatus());
            http.bodyContains().ifPresent(b -> out.put("body", b));
            out.put("insecure", http.insecure());
        } else if (check instanceof CheckSpec.Tcp tcp) {
            out.put("tcp", tcp.host() + ":" + tcp.port());
        } else if (check instanceof CheckSpec.Exec) {
            // A local program, like a hook: its path and arguments may differ per node (a per-node script or
            // file, as the end-to-end tests use to cut one node off). Its timing still counts.
            out.put("exec", true);
        }
        CheckSpec.Timing t = check.timing();
        out.put("interval", millis(t.interval()));
        out.put("timeout", millis(t.timeout()));
        out.put("rise", t.rise());
        out.put("fall", t.fall());
        out.put("jitter", millis(t.jitter()));
        return out;
    }

    /** Where a publisher publishes, without its credentials or node-local details. */
    private static Map<String, Object> target(PublisherConfig p) {
        Map<String, Object> out = new TreeMap<>();
        out.put("kind", p.kind());
        if (p instanceof Rfc2136Config r) {
            out.put("server", r.server().toString());
            out.put("zone", r.zone());
            out.put("record", r.record());
            out.put("type", r.type().name());
            out.put("ttl", millis(r.ttl()));
        } else if (p instanceof DigitalOceanDnsConfig d) {
            out.put("domain", d.domain());
            out.put("record", d.record());
            out.put("type", d.type().name());
            out.put("ttl", millis(d.ttl()));
        } else if (p instanceof DigitalOceanFloatingIpConfig f) {
            out.put("ip", f.ip());
        } else if (p instanceof VipConfig v) {
            out.put("vip", v.address().getHostAddress() + "/" + v.prefixLength());
        } else if (p instanceof WebhookConfig w) {
            out.put("url", w.url().toString());
        } else if (p instanceof ExecHookConfig) {
            // A hook's command is a local program; its path may differ per node.
        }
        return out;
    }

    private static long millis(Duration d) {
        return d.toMillis();
    }
}
