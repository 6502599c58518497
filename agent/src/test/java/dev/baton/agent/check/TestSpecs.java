package dev.baton.agent.check;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Short builders for specs in tests. */
final class TestSpecs {
    private TestSpecs() {}

    static CheckSpec.Timing timing(long intervalMillis, long timeoutMillis, int rise, int fall, long jitterMillis) {
        return new CheckSpec.Timing(Duration.ofMillis(intervalMillis), Duration.ofMillis(timeoutMillis), rise, fall,
                Duration.ofMillis(jitterMillis));
    }

    static CheckSpec.Timing timeout(long timeoutMillis) {
        return timing(1000, timeoutMillis, 2, 2, 0);
    }

    static CheckSpec.Http http(String url, String bodyContains, long timeoutMillis) {
        return new CheckSpec.Http(URI.create(url), 200, 299, Optional.ofNullable(bodyContains), false,
                timeout(timeoutMillis));
    }

    static CheckSpec.Tcp tcp(int port, long timeoutMillis) {
        return new CheckSpec.Tcp("127.0.0.1", port, timeout(timeoutMillis));
    }

    static CheckSpec.Exec exec(long timeoutMillis, String... command) {
        return new CheckSpec.Exec(List.of(command), timeout(timeoutMillis));
    }

    /** A loopback port with nothing listening: bound, then released. */
    static int closedPort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
