package dev.baton.agent.publish.rfc2136;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Knot DNS's {@code knotd} as a test's zone primary (foreground, logging to stderr, running as the test's user,
 * journal and timers in the test's directory, zone file never rewritten). Updates are allowed by one ACL: for
 * the updatable records exactly the rule an operator writes (docs/PUBLISHERS.md, "rfc2136"):
 * <pre>
 * acl:
 *   - id: baton-update
 *     key: KEY
 *     action: update
 *     update-type: [A, AAAA, CNAME, TXT]
 *     update-owner: name
 *     update-owner-match: equal
 *     update-owner-name: [RECORD, _baton-fence.RECORD]
 * </pre>
 */
public final class KnotServer extends AuthoritativeServer {

    private KnotServer(String zone, Key key, List<String> updatableRecords) {
        super(zone, key, updatableRecords);
    }

    /**
     * Starts {@code knotd} as the primary of {@code zone}, where {@code key} may update {@code updatableRecords}
     * (and their fence names), or every name when none are given. Blocks until it answers (at most 20 s).
     */
    public static KnotServer start(String zone, Key key, String... updatableRecords) {
        return started(new KnotServer(zone, key, List.of(updatableRecords)));
    }

    /**
     * Starts {@code knotd} as the primary of {@code zone} holding {@code zoneFileLines} too (e.g. a child zone's
     * delegation and glue), as the parent zone of a resolver test. Blocks until it answers (at most 20 s).
     */
    public static KnotServer startWithRecords(String zone, String zoneFileLines) {
        KnotServer server = new KnotServer(zone, Key.random("baton-test.", "hmac-sha256"), List.of());
        server.withRecords(zoneFileLines);
        return started(server);
    }

    @Override
    public String software() {
        return "Knot DNS";
    }

    @Override
    protected String configFileName() {
        return "knot.conf";
    }

    @Override
    protected String packageName() {
        return "knot";
    }

    @Override
    protected List<String> command(Path configFile) {
        return List.of("knotd", "-c", configFile.toString());
    }

    @Override
    protected String config(Path dir, int port) {
        String owners = updatableRecords().isEmpty() ? "" : """
                    update-owner: name
                    update-owner-match: equal
                    update-owner-name: [%s]
                """.formatted(updatableRecords().stream().flatMap(r -> java.util.stream.Stream.of(r, fenceOf(r)))
                .collect(Collectors.joining(", ")));
        return """
                server:
                    listen: 127.0.0.1@%2$d
                    rundir: %1$s
                    pidfile: %1$s/knot.pid
                    udp-workers: 1
                    tcp-workers: 1
                    background-workers: 1
                database:
                    storage: %1$s
                control:
                    listen: %1$s/knot.sock
                log:
                  - target: stderr
                    any: info
                key:
                %3$s
                %4$s
                acl:
                  - id: baton-update
                    key: %5$s
                    action: update
                    update-type: [A, AAAA, CNAME, TXT]
                %6$s
                zone:
                  - domain: %7$s
                    storage: %1$s
                    file: %8$s
                    acl: baton-update
                    zonefile-sync: -1
                    journal-content: changes
                """.formatted(dir, port, keyItem(key()), keyItem(deniedKey()), key().name(), owners, zone(),
                zoneFileName());
    }

    private static String keyItem(Key key) {
        return "  - id: " + key.name() + "\n    algorithm: " + key.algorithm() + "\n    secret: " + key.secretBase64();
    }
}
