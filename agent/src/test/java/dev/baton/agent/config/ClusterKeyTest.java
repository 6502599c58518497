package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ClusterKeyTest extends ConfigTestSupport {
    private static final String WITH_KEY_FILE = example("key_file: cluster.key", "key_file: other.key");

    @Test
    void readsAHexKeyFileRelativeToTheConfigDirectory() throws Exception {
        ClusterKey key = load(ConfigFixture.EXAMPLE).cluster().key();
        assertThat(key.bytes()).isEqualTo(ConfigFixture.keyBytes());
        assertThat(key.source()).isEqualTo("file " + dir.toAbsolutePath().resolve("cluster.key"));
    }

    @Test
    void readsABase64KeyFile() throws Exception {
        byte[] secret = bytes(48, 7);
        fixture.writeKeyFile("other.key", (Base64.getEncoder().encodeToString(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(load(WITH_KEY_FILE).cluster().key().bytes()).isEqualTo(secret);
    }

    @Test
    void readsARawKeyFile() throws Exception {
        byte[] secret = bytes(32, 200); // not printable text, so used as is
        fixture.writeKeyFile("other.key", secret);
        assertThat(load(WITH_KEY_FILE).cluster().key().bytes()).isEqualTo(secret);
    }

    @Test
    void keyFileIsRequiredUnlessTheEnvironmentGivesTheKey() throws Exception {
        String noKeyFile = example("  key_file: cluster.key\n", "");
        assertThat(errors(noKeyFile)).containsExactly("cluster.key_file: required (or set BATON_CLUSTER_KEY);"
                + " create a key with: baton keygen > cluster.key");
        byte[] secret = bytes(32, 1);
        fixture.env().put("BATON_CLUSTER_KEY", HexFormat.of().formatHex(secret));
        ClusterKey key = load(noKeyFile).cluster().key();
        assertThat(key.bytes()).isEqualTo(secret);
        assertThat(key.source()).isEqualTo("environment variable BATON_CLUSTER_KEY");
    }

    @Test
    void environmentOverridesTheKeyFile() throws Exception {
        byte[] secret = bytes(40, 9);
        fixture.env().put("BATON_CLUSTER_KEY", Base64.getEncoder().encodeToString(secret));
        assertThat(load(WITH_KEY_FILE).cluster().key().bytes()).as("other.key does not exist").isEqualTo(secret);
    }

    @Test
    void rejectsAnEnvironmentKeyThatIsNotHexOrBase64OrTooShortWithoutShowingIt() {
        fixture.env().put("BATON_CLUSTER_KEY", "not a key!");
        assertThat(errors(ConfigFixture.EXAMPLE)).containsExactly("cluster.key_file: environment variable"
                + " BATON_CLUSTER_KEY is set but is neither hex nor base64 (its value is not shown)");
        fixture.env().put("BATON_CLUSTER_KEY", "abcdef0123");
        assertThat(errors(ConfigFixture.EXAMPLE)).containsExactly("cluster.key_file: environment variable"
                + " BATON_CLUSTER_KEY holds a key of 5 bytes; at least 32 are required (baton keygen makes one)");
    }

    @Test
    void rejectsAMissingKeyFileNamingIt() {
        assertThat(errors(WITH_KEY_FILE)).containsExactly("cluster.key_file: file "
                + dir.toAbsolutePath().resolve("other.key") + " does not exist; create it with: baton keygen > "
                + dir.toAbsolutePath().resolve("other.key"));
    }

    @Test
    void rejectsAShortKeyWithoutPrintingIt() throws Exception {
        String shortHex = "deadbeefcafebabe0123456789abcdef"; // 16 bytes
        fixture.writeKeyFile("other.key", shortHex.getBytes(StandardCharsets.US_ASCII));
        String error = errors(WITH_KEY_FILE).get(0);
        assertThat(error).isEqualTo("cluster.key_file: file " + dir.toAbsolutePath().resolve("other.key")
                + " holds a key of 16 bytes; at least 32 are required (baton keygen makes one)");
        assertThat(error).doesNotContain(shortHex);
    }

    @Test
    void rejectsADirectoryOrAnOversizedFile() throws Exception {
        Files.createDirectory(dir.resolve("other.key"));
        assertThat(errors(WITH_KEY_FILE)).singleElement().asString().endsWith("other.key is not a regular file");
        Files.delete(dir.resolve("other.key"));
        fixture.writeKeyFile("other.key", new byte[SecretFiles.MAX_FILE_BYTES + 1]);
        assertThat(errors(WITH_KEY_FILE)).singleElement().asString().endsWith("is larger than 64 KiB; is it the right file?");
    }

    @Test
    void toStringRedactsAndEqualityComparesBytes() {
        byte[] secret = ConfigFixture.keyBytes();
        ClusterKey key = new ClusterKey(secret, "test");
        assertThat(key.toString()).isEqualTo("ClusterKey[32 bytes from test, redacted]");
        assertThat(key).isEqualTo(new ClusterKey(secret.clone(), "elsewhere"));
        key.bytes()[0] ^= 1;
        assertThat(key.bytes()).as("bytes() returns a copy").isEqualTo(secret);
    }

    @Test
    void decodesHexBeforeBase64() {
        // 64 hex digits are valid base64 too; keygen writes hex, so hex must win.
        assertThat(ClusterKeyReader.decodeText(ConfigFixture.KEY_HEX + "\n")).hasValueSatisfying(
                b -> assertThat(b).isEqualTo(ConfigFixture.keyBytes()));
        assertThat(ClusterKeyReader.decodeText("a passphrase with spaces")).isEmpty();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed + i * 31);
        return b;
    }
}
