package dev.baton.agent.check;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to check for one instance and how often: a validated value, produced by the config loader with
 * {@code {address}} already substituted. The checked target may differ from the published address.
 */
public sealed interface CheckSpec permits CheckSpec.Http, CheckSpec.Tcp, CheckSpec.Exec {

    Timing timing();

    /**
     * When and how strictly to check. {@code rise} consecutive successes make a down instance up, {@code fall}
     * consecutive failures make an up instance down (keepalived's and HAProxy's rise/fall). Each run starts
     * {@code interval} after the previous one started, shifted by a random jitter of up to {@code jitter}.
     */
    record Timing(Duration interval, Duration timeout, int rise, int fall, Duration jitter) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
        public static final int DEFAULT_RISE = 2;
        public static final int DEFAULT_FALL = 2;

        public Timing {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(jitter, "jitter");
            if (rise < 1 || fall < 1) throw new IllegalArgumentException("rise and fall must be at least 1");
        }
    }

    /**
     * HTTP or HTTPS GET. Healthy when the status is within [{@code minStatus}, {@code maxStatus}] and, if
     * {@code bodyContains} is present, the body contains it. HTTPS certificates are verified unless
     * {@code insecure}.
     */
    record Http(URI url, int minStatus, int maxStatus, Optional<String> bodyContains, boolean insecure, Timing timing)
            implements CheckSpec {
        public Http {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(bodyContains, "bodyContains");
            Objects.requireNonNull(timing, "timing");
        }
    }

    /** TCP connect to host:port; healthy when the connection is established within the timeout. */
    record Tcp(String host, int port, Timing timing) implements CheckSpec {
        public Tcp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(timing, "timing");
        }
    }

    /** Runs a command (no shell); healthy when it exits 0 within the timeout, which kills it otherwise. */
    record Exec(List<String> command, Timing timing) implements CheckSpec {
        public Exec {
            command = List.copyOf(command);
            if (command.isEmpty()) throw new IllegalArgumentException("exec command is empty");
            Objects.requireNonNull(timing, "timing");
        }
    }
}
