package dev.baton.agent.publish.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.config.HostPort;
import dev.baton.agent.config.Secret;
import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.TsigKeyConfig;
import dev.baton.agent.publish.Publisher.Authority;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the publisher checks and shows without a server: names, TSIG algorithms, its target. */
class Rfc2136PublisherTest {
    static Rfc2136Config config(String record, String algorithm) {
        return new Rfc2136Config(new HostPort("192.0.2.53", 53), "ext.example.com", record, RecordType.A,
                Duration.ofSeconds(5), Optional.of(new TsigKeyConfig("baton.", algorithm,
                new Secret(new byte[32], "test"))));
    }

    @Test
    void targetNamesTheRecordTypeAndServer() {
        Rfc2136Publisher publisher = new Rfc2136Publisher(config("db.ext.example.com", "hmac-sha256"));
        assertThat(publisher.target()).isEqualTo("db.ext.example.com. A at 192.0.2.53:53");
        assertThat(publisher.kind()).isEqualTo("rfc2136");
        assertThat(publisher.authority()).isEqualTo(Authority.LEADER);
    }

    @Test
    void everyListedAlgorithmIsAccepted() {
        assertThat(Rfc2136Publisher.ALGORITHMS).as("what the config accepts, the publisher signs with")
                .containsExactlyElementsOf(TsigKeyConfig.ALGORITHMS);
        assertThat(Rfc2136Publisher.ALGORITHMS).containsExactly("hmac-sha256", "hmac-sha512", "hmac-sha384",
                "hmac-sha224", "hmac-sha1", "hmac-md5");
        for (String algorithm : Rfc2136Publisher.ALGORITHMS) {
            new Rfc2136Publisher(config("db.ext.example.com.", algorithm));
        }
    }

    @Test
    void anUnknownAlgorithmIsRejectedNamingTheAllowedSet() {
        assertThatThrownBy(() -> new Rfc2136Publisher(config("db.ext.example.com.", "hmac-sha3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hmac-sha3").hasMessageContaining("hmac-sha256, hmac-sha512");
    }

    @Test
    void aRecordOutsideTheZoneIsRejected() {
        assertThatThrownBy(() -> new Rfc2136Publisher(config("db.other.example.com.", "hmac-sha256")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside zone");
    }

    @Test
    void aaaaValuesAreShownCompressedPerRfc5952() throws Exception {
        assertThat(compressed("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(compressed("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(compressed("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        assertThat(compressed("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(compressed("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(compressed("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
    }

    private static String compressed(String v6) throws Exception {
        return PublishedRecord.compressed((java.net.Inet6Address) java.net.InetAddress.getByName(v6));
    }
}
