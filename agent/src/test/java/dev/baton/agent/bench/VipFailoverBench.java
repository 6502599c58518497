package dev.baton.agent.bench;

import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import dev.baton.agent.publish.vip.CommandResult;
import dev.baton.agent.publish.vip.NetNsCommandRunner;
import dev.baton.agent.publish.vip.NetNsLab;
import dev.baton.agent.publish.vip.NodeNameServer;
import dev.baton.agent.publish.vip.OutputLines;
import dev.baton.agent.publish.vip.TcpProber;
import dev.baton.agent.publish.vip.VipPublisher;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * VIP failover as a client sees it: two nodes (n1, n2) and a client in network namespaces on one bridge
 * ({@link NetNsLab}), a {@link NodeNameServer} on each node, and a {@link TcpProber} in the client starting a TCP
 * probe of the VIP every {@value #PROBE_INTERVAL_MILLIS} ms (timeout {@value #PROBE_TIMEOUT_MILLIS} ms). Each
 * trial kills the node that holds the VIP ({@code ip link set eth0 down} in its namespace: no more frames in or
 * out, as a node that lost power) and measures the <b>unreachable time</b>, entirely on the client's clock: from
 * the start of the last probe the old holder answered to the start of the first probe the new holder answered.
 * The dead node then comes back as a standby (VIP removed, link up, its daemon restarted) before the next trial,
 * so the VIP alternates between n1 and n2.
 *
 * <p>Modes ({@link Mode}): keepalived (VRRP) with {@code advert_int} 1 s and 0.1 s, its daemon on the dead node
 * SIGKILLed together with the link; and {@code publisher}, {@link VipPublisher#reconcile} called on the survivor
 * right after the kill, which is the publisher's own share of a Baton failover (detection and the decision are
 * not in it); and {@code agent}, three real Baton agents in the namespaces ({@link VipAgentMode}): the whole
 * failover, detection at 100 ms checks with fall 2 and the quorum's decision included.
 *
 * <p>Run (as root): {@code java -cp agent/target/baton.jar:agent/target/test-classes
 * dev.baton.agent.bench.VipFailoverBench [trials] [mode...]}, modes {@code keepalived-1s keepalived-100ms
 * publisher agent}. Not a test: nothing here asserts, it prints a table.
 */
public final class VipFailoverBench {
    static final int PORT = 8080;
    static final int PROBE_INTERVAL_MILLIS = 10;
    static final int PROBE_TIMEOUT_MILLIS = 200;
    static final long TRIAL_LIMIT_MILLIS = 20_000;
    static final String[] NODES = {"n1", "n2"};

    /**
     * One way of moving the VIP. The bench owns the lab, the servers and the prober; a mode owns what holds the
     * VIP. Modes are driven from one thread.
     */
    interface Mode extends AutoCloseable {
        String name();

        /** Starts whatever decides where the VIP is, and returns once exactly one node holds it (bounded). */
        void start(NetNsLab lab, InetAddress vip, Path dir) throws Exception;

        /** {@code holder} dies now (the bench has just taken its link down); the VIP must reach {@code survivor}. */
        void afterKill(String holder, String survivor) throws Exception;

        /**
         * {@code node} comes back as a standby: the bench has removed the VIP from it and set its link up; the
         * mode restarts what it runs there and returns once it is settled (bounded).
         */
        void rejoin(String node) throws Exception;

        @Override
        void close();
    }

    private final NetNsLab lab;
    private final InetAddress vip;
    private final OutputLines probes;

    private VipFailoverBench(NetNsLab lab, InetAddress vip, OutputLines probes) {
        this.lab = lab;
        this.vip = vip;
        this.probes = probes;
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<String> modes = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : List.of("keepalived-1s", "keepalived-100ms", "publisher", "agent");
        System.out.printf("VIP failover bench: %d trials per mode; probe every %d ms, timeout %d ms%n"
                        + "machine: %d CPUs (%s), %s, load %s%n", trials, PROBE_INTERVAL_MILLIS, PROBE_TIMEOUT_MILLIS,
                Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), BenchSupport.loadAverage());
        NetNsLab.requireTools("ip", "arping", "keepalived");
        Map<String, long[]> results = new LinkedHashMap<>();
        Map<String, Integer> failures = new LinkedHashMap<>();
        for (String name : modes) {
            List<Long> outages = new ArrayList<>();
            int failed = runMode(mode(name), trials, outages);
            results.put(name, outages.stream().mapToLong(Long::longValue).sorted().toArray());
            failures.put(name, failed);
        }
        System.out.printf("%n| mode | trials ok | unreachable p50 (ms) | p90 | min | max |%n|---|---:|---:|---:|---:|---:|%n");
        for (var e : results.entrySet()) {
            long[] s = e.getValue();
            if (s.length == 0) {
                System.out.printf("| %s | 0 (%d failed) | | | | |%n", e.getKey(), failures.get(e.getKey()));
                continue;
            }
            System.out.printf("| %s | %d%s | %d | %d | %d | %d |%n", e.getKey(), s.length,
                    failures.get(e.getKey()) == 0 ? "" : " (" + failures.get(e.getKey()) + " failed)",
                    BenchSupport.percentile(s, 50), BenchSupport.percentile(s, 90), s[0], s[s.length - 1]);
        }
        System.out.printf("load at the end: %s%n", BenchSupport.loadAverage());
        System.exit(0);
    }

    static Mode mode(String name) {
        return switch (name) {
            case "keepalived-1s" -> new KeepalivedMode("keepalived-1s", "1");
            case "keepalived-100ms" -> new KeepalivedMode("keepalived-100ms", "0.1");
            case "publisher" -> new PublisherMode();
            case "agent" -> new VipAgentMode();
            default -> throw new IllegalArgumentException("unknown mode " + name
                    + " (keepalived-1s, keepalived-100ms, publisher, agent)");
        };
    }

    private static int runMode(Mode mode, int trials, List<Long> outages) throws Exception {
        Path dir = Files.createTempDirectory("baton-vip-bench-" + mode.name());
        int failed = 0;
        // n3 only hosts the agent mode's third member (the leader): a quorum needs three.
        try (NetNsLab lab = NetNsLab.create("n1", "n2", "n3", "client"); mode) {
            InetAddress vip = lab.spareIpv4(0);
            for (String node : NODES) {
                OutputLines out = OutputLines.of(lab.startJava(node, NodeNameServer.class, node, "" + PORT, "3600")
                        .getInputStream(), node);
                waitFor(Duration.ofSeconds(30), () -> out.any("listening"::equals), node + "'s server");
            }
            mode.start(lab, vip, dir);
            Process prober = lab.startJava("client", TcpProber.class, vip.getHostAddress(), "" + PORT,
                    "" + PROBE_INTERVAL_MILLIS, "" + PROBE_TIMEOUT_MILLIS, "3600");
            OutputLines probes = OutputLines.of(prober.getInputStream(), "prober");
            waitFor(Duration.ofSeconds(30), () -> probes.any(l -> l.contains(" ok ")), "the client's first answer");
            VipFailoverBench bench = new VipFailoverBench(lab, vip, probes);
            for (int t = 1; t <= trials; t++) {
                OptionalLong outage = bench.trial(mode);
                if (outage.isPresent()) outages.add(outage.getAsLong());
                else failed++;
                System.out.printf("%s trial %d: %s%n", mode.name(), t,
                        outage.isPresent() ? outage.getAsLong() + " ms unreachable" : "FAILED (no answer from the survivor)");
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return failed;
    }

    /** One kill and recovery; the unreachable time in ms, empty when the survivor never answered in time. */
    private OptionalLong trial(Mode mode) throws Exception {
        String holder = holder().orElseThrow(() -> new IllegalStateException("no node holds " + vip));
        String survivor = holder.equals("n1") ? "n2" : "n1";
        waitFor(Duration.ofSeconds(10), () -> lastAnswer().equals(Optional.of(holder)), "the client answered by " + holder);
        Thread.sleep(200 + ThreadLocalRandom.current().nextLong(200)); // off the probes' and adverts' phase
        int from = probes.size();
        long killedAt = System.currentTimeMillis();
        lab.setLinkUp(holder, false);
        mode.afterKill(holder, survivor);
        long limit = System.nanoTime() + TRIAL_LIMIT_MILLIS * 1_000_000;
        OptionalLong firstNew = OptionalLong.empty();
        while (System.nanoTime() < limit && firstNew.isEmpty()) {
            firstNew = firstAnswer(probes.since(from), survivor, killedAt - 1_000);
            if (firstNew.isEmpty()) Thread.sleep(20);
        }
        OptionalLong outage = OptionalLong.empty();
        if (firstNew.isPresent()) {
            Thread.sleep(PROBE_TIMEOUT_MILLIS + 100); // every probe started before it has ended
            long lastOld = lastAnswerBefore(probes.snapshot(), holder, firstNew.getAsLong());
            outage = OptionalLong.of(firstNew.getAsLong() - lastOld);
        }
        // The dead node comes back as a standby: without the VIP (a rebooted node has no secondary address).
        CommandResult held = run(holder, "ip", "-o", "addr", "show", "dev", NetNsLab.INTERFACE);
        if (held.stdout().contains(" " + vip.getHostAddress() + "/")) {
            lab.execOk(holder, "ip", "addr", "del", vip.getHostAddress() + "/" + NetNsLab.PREFIX_V4, "dev", NetNsLab.INTERFACE);
        }
        lab.setLinkUp(holder, true);
        mode.rejoin(holder);
        return outage;
    }

    private Optional<String> holder() throws IOException, InterruptedException {
        for (String node : NODES) {
            if (run(node, "ip", "-o", "addr", "show", "dev", NetNsLab.INTERFACE).stdout().contains(" " + vip.getHostAddress() + "/")) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    private Optional<String> lastAnswer() {
        List<String> lines = probes.snapshot();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String[] f = lines.get(i).split(" ");
            if (f.length == 3 && f[1].equals("ok")) return Optional.of(f[2]);
        }
        return Optional.empty();
    }

    /** The earliest probe start at or after {@code notBefore} that {@code node} answered. */
    static OptionalLong firstAnswer(List<String> lines, String node, long notBefore) {
        return lines.stream().map(l -> l.split(" ")).filter(f -> f.length == 3 && f[1].equals("ok") && f[2].equals(node))
                .mapToLong(f -> Long.parseLong(f[0])).filter(t -> t >= notBefore).min();
    }

    /** The latest probe start before {@code before} that {@code node} answered. */
    static long lastAnswerBefore(List<String> lines, String node, long before) {
        return lines.stream().map(l -> l.split(" ")).filter(f -> f.length == 3 && f[1].equals("ok") && f[2].equals(node))
                .mapToLong(f -> Long.parseLong(f[0])).filter(t -> t < before).max().orElse(before);
    }

    private CommandResult run(String node, String... command) throws IOException, InterruptedException {
        NetNsLab.ExecResult r = lab.exec(node, command);
        return new CommandResult(r.command(), r.exitCode(), r.stdout(), r.stderr());
    }

    /** keepalived 2.2 (VRRPv3 so that {@code advert_int} may be below a second), both nodes BACKUP with nopreempt. */
    static final class KeepalivedMode implements Mode {
        private final String name;
        private final String advertInt;
        private final Map<String, Process> daemons = new LinkedHashMap<>();
        private final Map<String, OutputLines> logs = new LinkedHashMap<>();
        private NetNsLab lab;
        private InetAddress vip;
        private Path dir;

        KeepalivedMode(String name, String advertInt) {
            this.name = name;
            this.advertInt = advertInt;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(NetNsLab lab, InetAddress vip, Path dir) throws Exception {
            this.lab = lab;
            this.vip = vip;
            this.dir = dir;
            for (String node : NODES) startDaemon(node);
            waitFor(Duration.ofSeconds(30), () -> logs.values().stream().anyMatch(l -> l.any(s -> s.contains("Entering MASTER STATE"))),
                    "a keepalived master");
        }

        private void startDaemon(String node) throws IOException, InterruptedException {
            Path conf = dir.resolve(node + ".conf");
            Files.writeString(conf, """
                    global_defs {
                        router_id %s
                        vrrp_version 3
                    }
                    vrrp_instance VI_1 {
                        state BACKUP
                        nopreempt
                        interface eth0
                        virtual_router_id 51
                        priority 100
                        advert_int %s
                        virtual_ipaddress {
                            %s/%d dev eth0
                        }
                    }
                    """.formatted(node, advertInt, vip.getHostAddress(), NetNsLab.PREFIX_V4));
            for (String pid : List.of(".pid", "-vrrp.pid", "-checkers.pid")) Files.deleteIfExists(dir.resolve(node + pid)); // left by SIGKILL
            Process p = lab.startProcess(node, List.of("keepalived", "--dont-fork", "--log-console", "--log-detail",
                    "--vrrp", "-f", conf.toString(), "-p", dir.resolve(node + ".pid").toString(),
                    "-r", dir.resolve(node + "-vrrp.pid").toString(), "-c", dir.resolve(node + "-checkers.pid").toString()));
            OutputLines.of(p.getInputStream(), node + "-keepalived-out");
            OutputLines out = OutputLines.of(p.getErrorStream(), node + "-keepalived"); // --log-console writes here
            daemons.put(node, p);
            logs.put(node, out);
            try {
                waitFor(Duration.ofSeconds(30), () -> out.any(l -> l.contains("Entering BACKUP STATE")
                        || l.contains("Entering MASTER STATE")), node + "'s keepalived up");
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; it said:\n" + String.join("\n", out.snapshot()), e);
            }
        }

        @Override
        public void afterKill(String holder, String survivor) {
            Process p = daemons.remove(holder);
            List<ProcessHandle> children = p.descendants().toList();
            p.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }

        @Override
        public void rejoin(String node) throws Exception {
            startDaemon(node); // nopreempt: it stays BACKUP while the other is MASTER
        }

        @Override
        public void close() {
            daemons.values().forEach(p -> {
                List<ProcessHandle> children = p.descendants().toList();
                p.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            });
        }
    }

    /**
     * {@link VipPublisher} alone, called as the engine would once it knows: the survivor gets holdHere=true right
     * after the kill; a rejoining node gets holdHere=false. This is Baton's actuation, not a whole failover.
     */
    static final class PublisherMode implements Mode {
        private final Map<String, VipPublisher> publishers = new LinkedHashMap<>();

        @Override
        public String name() {
            return "publisher";
        }

        @Override
        public void start(NetNsLab lab, InetAddress vip, Path dir) throws Exception {
            VipConfig config = new VipConfig(vip, NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
            for (String node : NODES) publishers.put(node, new VipPublisher(config, new NetNsCommandRunner(lab.namespace(node))));
            publishers.get("n1").reconcile(intent(true), WriteGate.LOCAL);
            publishers.get("n2").reconcile(intent(false), WriteGate.LOCAL);
        }

        @Override
        public void afterKill(String holder, String survivor) throws Exception {
            Outcome outcome = publishers.get(survivor).reconcile(intent(true), WriteGate.LOCAL);
            if (outcome.result() != Outcome.Result.WRITTEN) throw new IllegalStateException(survivor + ": " + outcome);
        }

        @Override
        public void rejoin(String node) throws Exception {
            publishers.get(node).reconcile(intent(false), WriteGate.LOCAL);
        }

        @Override
        public void close() {
            publishers.values().forEach(VipPublisher::close);
        }

        private static Intent intent(boolean holdHere) {
            return new Intent("web", Optional.empty(), Optional.empty(), new Fence(1, 1), "bench", 0,
                    holdHere ? Role.LEADER : Role.FOLLOWER, holdHere);
        }
    }

    static void waitFor(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new IllegalStateException("timed out after " + limit.toSeconds() + " s waiting for " + what);
            Thread.sleep(20);
        }
    }



}
