package dev.baton.agent.publish.rfc2136;

import dev.baton.agent.config.HostPort;
import dev.baton.agent.config.Secret;
import dev.baton.agent.config.publish.TsigKeyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server (BIND 9's {@code named} or Knot's {@code knotd}) run by a test as the primary
 * of one zone, in the foreground, on 127.0.0.1 (UDP and TCP) on a free port, with its config, zone and journal
 * in a temporary directory. It knows two TSIG keys: {@link #key()}, allowed to update, and {@link #deniedKey()},
 * known but allowed nothing. The zone holds its SOA (serial 1), an NS and {@code ns1} only.
 *
 * <p>{@link #stop()} and {@link #start()} keep the port and the zone's data (zone file plus journal), so a test
 * can take the primary down and bring it back. Only the process it started is ever signalled, by its handle.
 * A missing server binary fails the test with the package to install; it never skips.
 */
public abstract class AuthoritativeServer implements AutoCloseable {
    private static final Duration READY_LIMIT = Duration.ofSeconds(20);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;

    /** A TSIG key as a server's config writes it: name (absolute), algorithm, base64 secret. */
    public record Key(String name, String algorithm, String secretBase64) {
        /** A fresh random 256-bit secret, as {@code tsig-keygen} makes. */
        public static Key random(String name, String algorithm) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            return new Key(name, algorithm, Base64.getEncoder().encodeToString(secret));
        }

        /** The same name and algorithm with another (random) secret: what a typo in the secret file gives. */
        public Key withWrongSecret() {
            return new Key(name, algorithm, random(name, algorithm).secretBase64);
        }

        /** The publisher's config record for this key. */
        public TsigKeyConfig toConfig() {
            return new TsigKeyConfig(name, algorithm, new Secret(Base64.getDecoder().decode(secretBase64),
                    "test key " + name));
        }

        @Override
        public String toString() {
            return "Key[" + name + " " + algorithm + ", secret redacted]";
        }
    }

    private final String zone;
    private final Key key;
    private final Key deniedKey;
    private final List<String> updatableRecords;
    private final Path dir;
    private String moreRecords = "";
    private int port;
    private Process process;

    /**
     * @param updatableRecords the records (absolute) {@link #key()} may update, each with its
     *                         {@code _baton-fence} name (the operator's lines in PUBLISHERS.md, "rfc2136"); when
     *                         empty, every name in the zone (A, AAAA, CNAME, TXT)
     */
    protected AuthoritativeServer(String zone, Key key, List<String> updatableRecords) {
        this.zone = absolute(zone);
        this.key = key;
        this.deniedKey = Key.random("baton-denied.", key.algorithm());
        this.updatableRecords = updatableRecords.stream().map(AuthoritativeServer::absolute).toList();
        try {
            this.dir = Files.createTempDirectory("baton-" + software().toLowerCase().replace(' ', '-') + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code BIND 9} or {@code Knot DNS}, for test names and tables. */
    public abstract String software();

    /** The server's config file text for {@code port}, its data in {@code dir}. */
    protected abstract String config(Path dir, int port);

    /** The command that runs the server in the foreground with that config. */
    protected abstract List<String> command(Path configFile);

    /** The name of the config file. */
    protected abstract String configFileName();

    /** The Debian package that provides the server, for the failure message when it is missing. */
    protected abstract String packageName();

    /** The zone file's name inside {@link #dir()}. */
    protected String zoneFileName() {
        return "zone.db";
    }

    /**
     * Starts the server and returns when it answers an SOA query over UDP and TCP; the first start picks a free
     * port, later starts reuse it. Blocks up to 20 s; throws {@link AssertionError} with the server's log when
     * it does not come up.
     */
    /**
     * Adds zone-file lines (relative to the zone's origin, e.g. a delegation with its glue) to the zone the server
     * loads at its first start. Call before {@link #start()}.
     */
    public synchronized AuthoritativeServer withRecords(String zoneFileLines) {
        if (port != 0) throw new IllegalStateException("records are added before the first start");
        this.moreRecords = zoneFileLines.endsWith("\n") ? zoneFileLines : zoneFileLines + "\n";
        return this;
    }

    /** {@code server} started, or closed (and the failure thrown) when it cannot start. */
    static <S extends AuthoritativeServer> S started(S server) {
        try {
            server.start();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    public synchronized AuthoritativeServer start() {
        if (process != null && process.isAlive()) throw new IllegalStateException(software() + " is running");
        try {
            if (port == 0) {
                Files.writeString(dir.resolve(zoneFileName()), zoneFile());
                for (int attempt = 1; ; attempt++) {
                    port = freePort();
                    if (launch()) return this;
                    if (attempt == PORT_ATTEMPTS) break;
                }
                throw new AssertionError(software() + " did not start on a free port in " + PORT_ATTEMPTS
                        + " attempts:\n" + log());
            }
            if (!launch()) throw new AssertionError(software() + " did not restart on port " + port + ":\n" + log());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (SIGTERM to its PID, then SIGKILL after 10 s); the data stays for {@link #start()}. */
    public synchronized void stop() {
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** {@link #stop()} then {@link #start()} on the same port. */
    public void restart() {
        stop();
        start();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory left behind is harmless
        }
    }

    public synchronized int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as the publisher's {@code server} key. */
    public HostPort address() {
        return new HostPort("127.0.0.1", port());
    }

    /** The zone, absolute ({@code ext.example.com.}). */
    public String zone() {
        return zone;
    }

    /** The key allowed to update the zone (its updatable records). */
    public Key key() {
        return key;
    }

    /** A key the server knows but allows to update nothing. */
    public Key deniedKey() {
        return deniedKey;
    }

    protected List<String> updatableRecords() {
        return updatableRecords;
    }

    protected Path dir() {
        return dir;
    }

    /** The PID of the running server, for tests that want to pause it (SIGSTOP); -1 when stopped. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** The server's own output so far (its log), for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * The RRset {@code name}/{@code type} as the server answers it over TCP, unsigned, as presentation-format
     * RDATA ({@code 127.0.0.2}, {@code "term=3 index=12"}); empty for NXDOMAIN and NODATA.
     */
    public List<String> lookup(String name, String type) {
        int t = Type.value(type);
        Message response = query(absolute(name), t);
        List<String> rdata = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == t) rdata.add(r.rdataToString());
        }
        return rdata;
    }

    /** The zone's SOA serial: it rises with every UPDATE the server applied. */
    public long serial() {
        Message response = query(absolute(zone), Type.SOA);
        return response.getSection(Section.ANSWER).stream()
                .filter(r -> r instanceof SOARecord).map(r -> ((SOARecord) r).getSerial())
                .findFirst().orElseThrow(() -> new AssertionError("no SOA in " + response));
    }

    private Message query(String name, int type) {
        try {
            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
            resolver.setTCP(true);
            resolver.setTimeout(Duration.ofSeconds(5));
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
            q.getHeader().unsetFlag(Flags.RD);
            Message response = resolver.send(q);
            int rcode = response.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                throw new AssertionError(software() + " answered " + Rcode.string(rcode) + " to " + name);
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(software() + " did not answer a query for " + name, e);
        }
    }

    private boolean launch() throws IOException {
        Path configFile = dir.resolve(configFileName());
        Files.writeString(configFile, config(dir, port));
        List<String> command = command(configFile);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is required for the rfc2136 tests: apt-get install "
                    + packageName(), e);
        }
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                process = null;
                return false; // most likely the port was taken between choosing and binding it
            }
            if (answers(false) && answers(true)) return true;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + software());
            }
        }
        stop();
        throw new AssertionError(software() + " did not answer within " + READY_LIMIT.toSeconds() + " s:\n" + log());
    }

    private boolean answers(boolean tcp) {
        try {
            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            resolver.setTCP(tcp);
            resolver.setTimeout(Duration.ofMillis(500));
            Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(zone), Type.SOA, DClass.IN)));
            return response.getRcode() == Rcode.NOERROR && response.getHeader().getFlag(Flags.AA);
        } catch (IOException e) {
            return false;
        }
    }

    private String zoneFile() {
        return "$ORIGIN " + zone + "\n$TTL 60\n"
                + "@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n"
                + "@ IN NS ns1\n"
                + "ns1 IN A 127.0.0.1\n"
                + moreRecords;
    }

    /** A port free for both TCP and UDP on 127.0.0.1 right now, never handed out before in this JVM. */
    private static int freePort() throws IOException {
        return dev.baton.agent.demo.LoopbackClusterFiles.freePort();
    }

    public static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    /** The fence name of {@code record}. */
    public static String fenceOf(String record) {
        return Rfc2136Publisher.FENCE_LABEL + "." + absolute(record);
    }
}
