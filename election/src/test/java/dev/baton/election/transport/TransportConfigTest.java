package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportConfigTest {
    private static final byte[] KEY = "super-secret-cluster-key".getBytes(StandardCharsets.UTF_8);
    private static final Map<Integer, InetSocketAddress> MEMBERS = Map.of(
            1, new InetSocketAddress("127.0.0.1", 7001), 2, new InetSocketAddress("127.0.0.1", 7002));

    @Test
    void defaultsFollowTheContract() {
        TransportConfig config = TransportConfig.of("c", 1, MEMBERS, KEY);
        assertThat(config.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.reconnectInitial()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.reconnectMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.sendQueueCapacity()).isEqualTo(4096);
        assertThat(config.listenAddress()).isEqualTo(MEMBERS.get(1));
    }

    @Test
    void theKeyNeverAppearsInToStringAndIsCopied() {
        byte[] key = KEY.clone();
        TransportConfig config = TransportConfig.of("c", 1, MEMBERS, key);
        assertThat(config.toString()).doesNotContain("super-secret").contains("<redacted>");
        key[0] = 'X';
        assertThat(config.clusterKey()).isEqualTo(KEY);
        config.clusterKey()[1] = 'Y';
        assertThat(config.clusterKey()).isEqualTo(KEY);
    }

    @Test
    void badValuesAreRejectedWithAMessageNamingThem() {
        assertThatThrownBy(() -> TransportConfig.of("c", 3, MEMBERS, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("selfId 3");
        assertThatThrownBy(() -> TransportConfig.of("c", 1, MEMBERS, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clusterKey");
        assertThatThrownBy(() -> TransportConfig.of(" ", 1, MEMBERS, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clusterName");
        assertThatThrownBy(() -> TransportConfig.of("c", 1, MEMBERS, KEY).withMaxFrameBytes(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFrameBytes");
        assertThatThrownBy(() -> TransportConfig.of("c", 1, MEMBERS, KEY).withHandshakeTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshakeTimeout");
        assertThatThrownBy(() -> TransportConfig.of("c", 1, MEMBERS, KEY).withSendQueueCapacity(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sendQueueCapacity");
    }
}
