package dev.baton.agent.dns.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * Response rate limiting (RRL) as BIND 9 does it ({@code rate-limit { responses-per-second; slip; window; }}),
 * per client prefix, on UDP only: a spoofed source can make a server reflect answers at a victim, and TCP cannot
 * be spoofed.
 *
 * @param responsesPerSecond UDP responses each client prefix may receive per second, averaged over
 *                           {@code window}; 0 turns the limiter off
 * @param slip               every {@code slip}-th limited response is sent as a small truncated answer (TC=1) so a
 *                           real resolver retries over TCP; the others are dropped. 0 drops every one, 1 truncates
 *                           every one (BIND's {@code slip})
 * @param window             how long a prefix's excess is remembered: a client over the limit stays limited until
 *                           its rate over this window is back under it (BIND's {@code window}), 1 s to 1 h
 * @param ipv4PrefixLength   clients are counted per IPv4 prefix of this length (BIND's {@code ipv4-prefix-length})
 * @param ipv6PrefixLength   clients are counted per IPv6 prefix of this length, at most 64
 * @param maxPrefixes        prefixes remembered at once; the least recently seen is forgotten first, so memory is
 *                           bounded whatever the number of sources (BIND's {@code max-table-size})
 * @param exemptLoopback     never limit clients on this host (127.0.0.0/8, ::1): a local resolver or monitor
 *                           asks as often as it likes, and the kernel drops loopback sources arriving from a
 *                           network, so they cannot be spoofed (BIND's {@code exempt-clients})
 */
public record RateLimitSettings(int responsesPerSecond, int slip, Duration window, int ipv4PrefixLength,
                                int ipv6PrefixLength, int maxPrefixes, boolean exemptLoopback) {

    /**
     * No single resolver asks this much: with 1 s TTLs a busy resolver re-asks each name at most about once a
     * second, so this leaves room for hundreds of names per resolver farm behind one /24.
     */
    public static final int DEFAULT_RESPONSES_PER_SECOND = 1000;
    public static final int DEFAULT_SLIP = 2;
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(15);
    public static final int DEFAULT_IPV4_PREFIX_LENGTH = 24;
    public static final int DEFAULT_IPV6_PREFIX_LENGTH = 56;
    public static final int DEFAULT_MAX_PREFIXES = 100_000;
    public static final int MAX_SLIP = 10;
    public static final Duration MAX_WINDOW = Duration.ofHours(1);

    public static final RateLimitSettings DEFAULTS = new RateLimitSettings(DEFAULT_RESPONSES_PER_SECOND, DEFAULT_SLIP,
            DEFAULT_WINDOW, DEFAULT_IPV4_PREFIX_LENGTH, DEFAULT_IPV6_PREFIX_LENGTH, DEFAULT_MAX_PREFIXES, true);
    /** No limiting at all. */
    public static final RateLimitSettings OFF = new RateLimitSettings(0, DEFAULT_SLIP, DEFAULT_WINDOW,
            DEFAULT_IPV4_PREFIX_LENGTH, DEFAULT_IPV6_PREFIX_LENGTH, DEFAULT_MAX_PREFIXES, true);

    /** Loopback clients exempt, as by default. */
    public RateLimitSettings(int responsesPerSecond, int slip, Duration window, int ipv4PrefixLength,
                             int ipv6PrefixLength, int maxPrefixes) {
        this(responsesPerSecond, slip, window, ipv4PrefixLength, ipv6PrefixLength, maxPrefixes, true);
    }

    public RateLimitSettings {
        if (responsesPerSecond < 0) throw new IllegalArgumentException("responses_per_second must not be negative");
        if (slip < 0 || slip > MAX_SLIP) throw new IllegalArgumentException("slip must be in [0, " + MAX_SLIP + "]");
        Objects.requireNonNull(window, "window");
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be from 1s to 1h");
        }
        if (ipv4PrefixLength < 1 || ipv4PrefixLength > 32) throw new IllegalArgumentException("ipv4_prefix_length must be in [1, 32]");
        if (ipv6PrefixLength < 1 || ipv6PrefixLength > 64) throw new IllegalArgumentException("ipv6_prefix_length must be in [1, 64]");
        if (maxPrefixes < 1) throw new IllegalArgumentException("max_prefixes must be at least 1");
    }

    public boolean enabled() {
        return responsesPerSecond > 0;
    }
}
