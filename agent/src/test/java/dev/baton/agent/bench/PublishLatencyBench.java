package dev.baton.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.e2e.AgentCluster;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean;
import dev.baton.agent.publish.rfc2136.AuthoritativeServer;
import dev.baton.agent.publish.rfc2136.BindServer;
import dev.baton.agent.publish.rfc2136.KnotServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Commit → confirmed publication, in the product: three real agent processes publishing one service to a real
 * BIND9, a real Knot DNS and the DigitalOcean fake (a DNS record and a reserved IP), all on loopback. Each trial
 * kills (or restarts) instance a's web server, so the service fails over (or back), and reads from the leader's
 * status each publisher's {@code publish_ms}: from when the leader saw the committed decision to when the
 * publisher confirmed it by reading back. It also times, from the kill, when the new address is visible at
 * each target (polled every 5 ms): the whole failover as a client of that DNS would see it, before TTLs.
 *
 * <p>Run: {@code java -cp agent/target/baton.jar:agent/target/test-classes dev.baton.agent.bench.PublishLatencyBench [changes]}
 * (default 20, alternating failover and failback). Not a test: it prints a table.
 */
public final class PublishLatencyBench {
    private static final String ZONE = "ext.example.com.";
    private static final String RECORD = "web.ext.example.com.";
    private static final String TOKEN = "dop_v1_bench";
    private static final String IP = "203.0.113.10";
    private static final long LIMIT_MILLIS = 20_000;

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory("baton-publish-bench");
        AuthoritativeServer.Key key = AuthoritativeServer.Key.random("baton-key", "hmac-sha256");
        try (BindServer bind = BindServer.start(ZONE, key);
             KnotServer knot = KnotServer.start(ZONE, key);
             FakeDigitalOcean digitalOcean = FakeDigitalOcean.start(TOKEN)) {
            digitalOcean.addDomain("example.com");
            digitalOcean.addReservedIp(IP, null);
            secret(dir.resolve("tsig.secret"), key.secretBase64());
            secret(dir.resolve("do.token"), TOKEN);
            String services = """
                    services:
                      - name: web
                        check: {http: "http://{address}:%%d/health", interval: 100ms, timeout: 100ms, rise: 2, fall: 2}
                        instances:
                          - {name: a, address: 127.0.0.1, priority: 1, droplet_id: 1001}
                          - {name: b, address: 127.0.0.2, priority: 2, droplet_id: 1002}
                        publish:
                          - rfc2136: {server: "127.0.0.1:%d", zone: %s, record: %s, tsig: {name: baton-key, secret_file: tsig.secret}}
                          - rfc2136: {server: "127.0.0.1:%d", zone: %s, record: %s, tsig: {name: baton-key, secret_file: tsig.secret}}
                          - digitalocean_dns: {domain: example.com, record: web, token_file: do.token, api_url: "%s"}
                          - digitalocean_floating_ip: {ip: %s, token_file: do.token, api_url: "%s"}
                    """.formatted(bind.port(), ZONE, RECORD, knot.port(), ZONE, RECORD, digitalOcean.url(), IP,
                    digitalOcean.url());
            try (AgentCluster cluster = AgentCluster.write(dir, (node, port, d) -> services.formatted(port))) {
                cluster.primary().start();
                cluster.startAll();
                cluster.backup().start();
                String[] names = {"rfc2136 BIND 9", "rfc2136 Knot DNS", "digitalocean_dns (fake)",
                        "digitalocean_floating_ip (fake)"};
                List<List<Long>> reported = new ArrayList<>();
                List<List<Long>> visible = new ArrayList<>();
                for (int i = 0; i < names.length; i++) {
                    reported.add(new ArrayList<>());
                    visible.add(new ArrayList<>());
                }
                awaitTrue(() -> published(bind, knot, digitalOcean, "127.0.0.1", 1001), "a published at start");
                for (int trial = 0; trial < changes; trial++) {
                    boolean failover = trial % 2 == 0;
                    String address = failover ? "127.0.0.2" : "127.0.0.1";
                    long droplet = failover ? 1002 : 1001;
                    Thread.sleep(1_000 + ThreadLocalRandom.current().nextLong(200)); // checks settle, random phase
                    long start = System.nanoTime();
                    if (failover) cluster.primary().stop(); else cluster.primary().start();
                    long[] seen = new long[names.length];
                    long deadline = start + LIMIT_MILLIS * 1_000_000;
                    while (Arrays.stream(seen).anyMatch(s -> s == 0) && System.nanoTime() < deadline) {
                        long now = System.nanoTime();
                        if (seen[0] == 0 && bind.lookup(RECORD, "A").equals(List.of(address))) seen[0] = now;
                        if (seen[1] == 0 && knot.lookup(RECORD, "A").equals(List.of(address))) seen[1] = now;
                        if (seen[2] == 0 && digitalOcean.records("example.com", "web", "A").stream()
                                .map(FakeDigitalOcean.Rec::data).toList().equals(List.of(address))) seen[2] = now;
                        if (seen[3] == 0 && digitalOcean.dropletOf(IP).equals(Optional.of(droplet))) seen[3] = now;
                        Thread.sleep(5);
                    }
                    Map<String, Long> ms = publishMillis(cluster, address);
                    for (int i = 0; i < names.length; i++) {
                        if (seen[i] != 0) visible.get(i).add((seen[i] - start) / 1_000_000);
                        Long m = ms.get(String.valueOf(i));
                        if (m != null) reported.get(i).add(m);
                    }
                }
                System.out.printf("%n%d changes (failover and failback alternating), 100 ms checks, fall 2%n", changes);
                System.out.printf("%-34s %8s %8s %8s | %9s %9s %9s%n", "publisher", "n", "p50 ms", "p99 ms",
                        "kill→seen", "p50 ms", "p99 ms");
                for (int i = 0; i < names.length; i++) {
                    System.out.printf("%-34s %8d %8d %8d | %9d %9d %9d%n", names[i], reported.get(i).size(),
                            BenchSupport.percentile(reported.get(i), 50), BenchSupport.percentile(reported.get(i), 99), visible.get(i).size(),
                            BenchSupport.percentile(visible.get(i), 50), BenchSupport.percentile(visible.get(i), 99));
                }
                System.out.println("left: commit → confirmed (publish_ms, reported by the leader);"
                        + " right: kill → the new value visible at the target");
            }
        }
    }

    /** Waits until the leader reports every publisher in sync with {@code address}; its publish_ms by position. */
    private static Map<String, Long> publishMillis(AgentCluster cluster, String address) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            Optional<Integer> leader = cluster.leader();
            if (leader.isPresent()) {
                Optional<JsonNode> web = cluster.service(leader.get(), "web");
                if (web.isPresent() && address.equals(web.get().path("address").asText())) {
                    Map<String, Long> out = new LinkedHashMap<>();
                    boolean all = true;
                    int i = 0;
                    for (JsonNode p : web.get().path("publishers")) {
                        all &= "in_sync".equals(p.path("state").asText());
                        if (p.path("publish_ms").isNumber()) out.put(String.valueOf(i), p.path("publish_ms").asLong());
                        i++;
                    }
                    if (all) return out;
                }
            }
            Thread.sleep(20);
        }
        return Map.of();
    }

    private static boolean published(BindServer bind, KnotServer knot, FakeDigitalOcean digitalOcean, String address,
                                     long droplet) {
        return bind.lookup(RECORD, "A").equals(List.of(address)) && knot.lookup(RECORD, "A").equals(List.of(address))
                && digitalOcean.dropletOf(IP).equals(Optional.of(droplet));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }


    private static void secret(Path file, String content) throws Exception {
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
