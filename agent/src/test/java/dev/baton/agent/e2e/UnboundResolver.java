package dev.baton.agent.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * NLnet Labs' Unbound as a test's recursive resolver on 127.0.0.1 (foreground, as the test's user, config and
 * log in a temporary directory, no outside network): it knows one parent zone through a stub zone pointing at
 * a test's authoritative server, follows that zone's delegations and glue to the child's servers like any
 * resolver on the Internet, on port 53 of the glue addresses. No DNSSEC validation (iterator module only), and
 * loopback name servers allowed ({@code do-not-query-localhost: no}). A missing {@code unbound} fails the test
 * with the package to install. Only the process it started is ever signalled, by its handle.
 */
public final class UnboundResolver implements AutoCloseable {
    private static final Duration READY_LIMIT = Duration.ofSeconds(20);

    private final Path dir;
    private final int port;
    private final Process process;

    private UnboundResolver(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts Unbound with {@code parentZone} served by {@code parent} (an authoritative server on 127.0.0.1). */
    public static UnboundResolver start(String parentZone, InetSocketAddress parent) throws IOException {
        Path dir = Files.createTempDirectory("baton-unbound-");
        int port = freeUdpPort();
        Path config = dir.resolve("unbound.conf");
        Files.writeString(config, """
                server:
                    interface: 127.0.0.1
                    port: %2$d
                    do-daemonize: no
                    username: ""
                    chroot: ""
                    directory: "%1$s"
                    pidfile: "%1$s/unbound.pid"
                    use-syslog: no
                    logfile: ""
                    verbosity: 1
                    do-ip6: no
                    num-threads: 1
                    access-control: 127.0.0.0/8 allow
                    do-not-query-localhost: no
                    module-config: "iterator"
                    qname-minimisation: no
                    prefetch: no
                    # RFC 6761 reserves test.: Unbound answers it locally unless told otherwise
                    local-zone: "test." nodefault
                stub-zone:
                    name: "%3$s"
                    stub-addr: %4$s@%5$d
                remote-control:
                    control-enable: no
                """.formatted(dir, port, parentZone, parent.getAddress().getHostAddress(), parent.getPort()));
        Process process;
        try {
            process = new ProcessBuilder("unbound", "-d", "-c", config.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("unbound.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("unbound is required for the resolver test: apt-get install unbound", e);
        }
        UnboundResolver resolver = new UnboundResolver(dir, port, process);
        try {
            resolver.awaitReady(parentZone);
        } catch (RuntimeException | Error e) {
            resolver.close();
            throw e;
        }
        return resolver;
    }

    /** Where clients send their queries. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Unbound's own output, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("unbound.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitReady(String parentZone) {
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("unbound exited:\n" + log());
            try {
                SimpleResolver r = new SimpleResolver(address());
                r.setTimeout(Duration.ofMillis(500));
                Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(parentZone), Type.SOA, DClass.IN)));
                if (m.getRcode() == Rcode.NOERROR) return;
            } catch (IOException e) {
                // not up yet
            }
            try {
                Thread.sleep(100); // a real process starting: polled with a bound
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for unbound");
            }
        }
        throw new AssertionError("unbound did not answer within " + READY_LIMIT.toSeconds() + " s:\n" + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private static int freeUdpPort() throws IOException {
        return dev.baton.agent.demo.LoopbackClusterFiles.freePort(); // never one an agent of this JVM was given
    }

}
