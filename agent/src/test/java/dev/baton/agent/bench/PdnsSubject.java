package dev.baton.agent.bench;

import dev.baton.agent.demo.DemoBackend;
import dev.baton.agent.demo.DnsProbe;
import dev.baton.agent.demo.LoopbackClusterFiles;
import dev.baton.agent.e2e.AgentCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The single-checker peer: one PowerDNS authoritative server ({@code pdns_server}, Debian's {@code pdns-server}
 * package, bind backend) answering {@code web} with a Lua record, {@code ifurlup} over the sets {a} then {b}: the
 * first set with an address up. Its checks run every {@code lua-health-checks-interval} (whole seconds, so only
 * the 1 s setting compares) and one failure marks an address down, one success up. No inner stages: PowerDNS does
 * not log its checks' results.
 */
final class PdnsSubject implements FailoverSubject {
    private static final String ZONE = "pdns.bench.test.";

    private final Path dir;
    private final int dnsPort;
    private final DemoBackend primary;
    private final DemoBackend backup;
    private final long intervalSeconds;
    private Process server;

    PdnsSubject(FailoverBench.CheckSetting check) throws IOException {
        if (check.intervalMillis() % 1000 != 0) {
            throw new IllegalArgumentException("PowerDNS checks in whole seconds; the " + check.interval() + " setting has no peer");
        }
        this.intervalSeconds = check.intervalMillis() / 1000;
        this.dir = Files.createTempDirectory("baton-failover-pdns");
        this.dnsPort = LoopbackClusterFiles.freePort();
        int web = LoopbackClusterFiles.freePort();
        this.primary = new DemoBackend("a", new InetSocketAddress(AgentCluster.PRIMARY, web));
        this.backup = new DemoBackend("b", new InetSocketAddress(AgentCluster.BACKUP, web));
        Files.writeString(dir.resolve("pdns.conf"), """
                launch=bind
                bind-config=%1$s/named.conf
                local-address=127.0.0.1
                local-port=%2$d
                enable-lua-records=yes
                lua-health-checks-interval=%3$d
                socket-dir=%1$s
                daemon=no
                guardian=no
                webserver=no
                """.formatted(dir, dnsPort, intervalSeconds));
        Files.writeString(dir.resolve("named.conf"), "zone \"%s\" { file \"%s/zone\"; type master; };%n"
                .formatted(ZONE, dir));
        Files.writeString(dir.resolve("zone"), """
                $ORIGIN %s
                @ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 1
                @ 3600 IN NS ns1
                ns1 3600 IN A 127.0.0.1
                web 1 IN LUA A "ifurlup('http://%s:%d/health', {{'%s'}, {'%s'}})"
                """.formatted(ZONE, AgentCluster.PRIMARY, web, AgentCluster.PRIMARY, AgentCluster.BACKUP));
    }

    @Override
    public String toString() {
        return "PowerDNS " + version() + " with ifurlup, checks every " + intervalSeconds + " s; files in " + dir;
    }

    private static String version() {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", "pdns-server").start();
            String v = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? v : "(version unknown)";
        } catch (IOException | InterruptedException e) {
            return "(version unknown)";
        }
    }

    @Override
    public void start() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/pdns_server"))) {
            throw new IllegalStateException("/usr/sbin/pdns_server is missing: apt-get install pdns-server");
        }
        primary.start();
        backup.start();
        server = new ProcessBuilder("/usr/sbin/pdns_server", "--config-dir=" + dir)
                .redirectErrorStream(true).redirectOutput(dir.resolve("pdns.log").toFile()).start();
        if (!BenchSupport.waitFor(30_000, 20, () -> AgentCluster.PRIMARY.equals(probe(1).ask()))) {
            throw new IllegalStateException("PowerDNS did not answer a within 30 s; see " + dir.resolve("pdns.log"));
        }
    }

    @Override
    public DemoBackend primary() {
        return primary;
    }

    @Override
    public int servers() {
        return 1;
    }

    @Override
    public DnsProbe probe(int server) {
        try {
            return new DnsProbe(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort), "web." + ZONE,
                    Duration.ofMillis(250));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Back on a. (b's check is never seen; b's server runs throughout.) */
    @Override
    public boolean readyForTrial() {
        return AgentCluster.PRIMARY.equals(probe(1).ask());
    }

    @Override
    public void beforeKill() {
    }

    @Override
    public long[] innerStages(long killWall) {
        return new long[]{-1, -1, -1, -1};
    }

    @Override
    public void close() {
        if (server != null) {
            server.destroyForcibly();
            try {
                server.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        primary.close();
        backup.close();
    }
}
