package dev.baton.agent.publish.rfc2136;

import java.nio.file.Path;
import java.util.List;

/**
 * BIND 9's {@code named} as a test's zone primary ({@code named -g}: foreground, logging to stderr, running as
 * the test's user). Updates are allowed by {@code update-policy}: for each updatable record exactly the lines an
 * operator writes (docs/PUBLISHERS.md, "rfc2136"):
 * <pre>
 * grant KEY name RECORD A AAAA CNAME;
 * grant KEY name _baton-fence.RECORD TXT;
 * </pre>
 */
public final class BindServer extends AuthoritativeServer {

    private BindServer(String zone, Key key, List<String> updatableRecords) {
        super(zone, key, updatableRecords);
    }

    /**
     * Starts {@code named} as the primary of {@code zone}, where {@code key} may update {@code updatableRecords}
     * (and their fence names), or every name when none are given. Blocks until it answers (at most 20 s).
     */
    public static BindServer start(String zone, Key key, String... updatableRecords) {
        return started(new BindServer(zone, key, List.of(updatableRecords)));
    }

    @Override
    public String software() {
        return "BIND 9";
    }

    @Override
    protected String configFileName() {
        return "named.conf";
    }

    @Override
    protected String packageName() {
        return "bind9";
    }

    @Override
    protected List<String> command(Path configFile) {
        return List.of("named", "-g", "-n", "1", "-c", configFile.toString());
    }

    @Override
    protected String config(Path dir, int port) {
        StringBuilder grants = new StringBuilder();
        String k = key().name();
        if (updatableRecords().isEmpty()) {
            grants.append("    grant ").append(k).append(" zonesub A AAAA CNAME TXT;\n");
        }
        for (String record : updatableRecords()) {
            grants.append("    grant ").append(k).append(" name ").append(record).append(" A AAAA CNAME;\n");
            grants.append("    grant ").append(k).append(" name ").append(fenceOf(record)).append(" TXT;\n");
        }
        return """
                options {
                  directory "%1$s";
                  pid-file "%1$s/named.pid";
                  session-keyfile "%1$s/session.key";
                  managed-keys-directory "%1$s";
                  listen-on port %2$d { 127.0.0.1; };
                  listen-on-v6 { none; };
                  recursion no;
                  dnssec-validation no;
                  notify no;
                };
                controls { };
                %3$s
                %4$s
                zone "%5$s" {
                  type primary;
                  file "%1$s/%6$s";
                  update-policy {
                %7$s  };
                };
                """.formatted(dir, port, keyClause(key()), keyClause(deniedKey()), zone(), zoneFileName(), grants);
    }

    private static String keyClause(Key key) {
        return "key \"" + key.name() + "\" { algorithm " + key.algorithm() + "; secret \"" + key.secretBase64()
                + "\"; };";
    }
}
