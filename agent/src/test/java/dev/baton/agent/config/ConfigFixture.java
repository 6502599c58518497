package dev.baton.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** Writes config files and key files into a temporary directory, for the config and CLI tests. */
public final class ConfigFixture {
    /** The example from docs/CONFIGURATION.md. */
    public static final String EXAMPLE = """
            cluster:
              name: demo
              node: 1
              members:
                - {id: 1, address: 127.0.0.1:7401}
                - {id: 2, address: 127.0.0.1:7402}
                - {id: 3, address: 127.0.0.1:7403, witness: true}
              key_file: cluster.key
              data_dir: data/node1
            api:
              listen: 127.0.0.1:7481
            dns:
              listen: [127.0.0.1:5301]
              zone: ha.example.test.
              ttl: 1s
            services:
              - name: db
                policy: failover
                failback: after 30s
                vantage: quorum
                when_none_healthy: keep_last
                check: {http: "http://{address}:8081/health", interval: 100ms, timeout: 80ms, rise: 2, fall: 2}
                instances:
                  - {name: a, address: 127.0.0.1, priority: 1}
                  - {name: b, address: 127.0.0.2, priority: 2, check: {tcp: "127.0.0.2:5432"}}
              - name: queue
                check: {tcp: "{address}:5672"}
                instances:
                  - {name: q1, address: 127.0.0.3}
            """;

    /**
     * The cluster, API and DNS sections of a one-member cluster on loopback with ephemeral ports, for tests that
     * start an {@code AgentNode} in process; append a {@code services:} section.
     */
    public static String loneNode(String cluster, String zone) {
        return """
                cluster:
                  name: %s
                  node: 1
                  members:
                    - {id: 1, address: 127.0.0.1:0}
                  key_file: cluster.key
                  data_dir: data
                api:
                  listen: 127.0.0.1:0
                dns:
                  listen: [127.0.0.1:0]
                  zone: %s
                """.formatted(cluster, zone);
    }

    /** The 32-byte key the fixture writes, hex-encoded, as {@code baton keygen} prints it. */
    public static final String KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    private final Path dir;
    private final Map<String, String> env = new HashMap<>();

    public ConfigFixture(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Environment seen by the loader; empty unless a test sets a variable. */
    public Map<String, String> env() {
        return env;
    }

    /** Writes {@code cluster.key} (hex) and {@code yaml} as {@code baton.yaml}; returns the config path. */
    public Path write(String yaml) throws IOException {
        writeKeyFile("cluster.key", (KEY_HEX + "\n").getBytes(StandardCharsets.US_ASCII));
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Writes a secret file readable by its owner only, as an operator should (others' read draws a warning). */
    public Path writeKeyFile(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Writes a text secret file (a token, a TSIG key) readable by its owner only. */
    public Path writeSecret(String name, String content) throws IOException {
        return writeKeyFile(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] keyBytes() {
        return HexFormat.of().parseHex(KEY_HEX);
    }

    public BatonConfig load(String yaml) throws IOException, ConfigException {
        return new ConfigLoader(env::get).load(write(yaml));
    }

    /** {@link #EXAMPLE} with one text replaced; fails if the text is not there, so tests cannot go stale. */
    public static String example(String target, String replacement) {
        if (!EXAMPLE.contains(target)) throw new IllegalArgumentException("not in the example: " + target);
        return EXAMPLE.replace(target, replacement);
    }
}
