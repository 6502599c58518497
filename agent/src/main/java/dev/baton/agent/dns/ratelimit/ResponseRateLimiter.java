package dev.baton.agent.dns.ratelimit;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Decides, per UDP response, whether it goes out, is dropped, or "slips" out as a truncated answer: BIND 9's
 * response rate limiting, counted per client prefix ({@link RateLimitSettings}).
 *
 * <p>Each prefix has a generic-cell-rate account (a token bucket held as one "theoretical arrival time"): a
 * response costs {@code 1/rate} seconds of credit, a prefix may run one second ahead of its rate (the burst),
 * and every response, limited or not, is charged, with the debt capped at {@code window}, so a flood stays
 * limited until its average over the window falls back under the rate (BIND counts limited responses too).
 *
 * <p>Memory is bounded: at most {@code maxPrefixes} accounts, in stripes with their own locks, each forgetting
 * its least recently seen prefix first. A forgotten prefix starts again with full credit, which errs towards
 * answering. Thread-safe; {@link #decide} never blocks on I/O.
 */
public final class ResponseRateLimiter {

    /** What to do with one response. */
    public enum Decision {
        /** Send it. */
        SEND,
        /** Send a truncated, answerless copy (TC=1), so a real resolver retries over TCP. */
        SLIP,
        /** Send nothing. */
        DROP
    }

    private static final int STRIPES = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final RateLimitSettings settings;
    private final LongSupplier nanoTime;
    private final long costNanos;
    private final long burstNanos = NANOS_PER_SECOND;
    private final long windowNanos;
    private final Stripe[] ipv4 = new Stripe[STRIPES];
    private final Stripe[] ipv6 = new Stripe[STRIPES];
    private final LongAdder dropped = new LongAdder();
    private final LongAdder slipped = new LongAdder();

    /**
     * @param settings the limits; when {@link RateLimitSettings#enabled()} is false every response is sent
     * @param nanoTime a monotonic clock ({@code System::nanoTime}; tests pass a fake)
     */
    public ResponseRateLimiter(RateLimitSettings settings, LongSupplier nanoTime) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.costNanos = settings.enabled() ? Math.max(1, NANOS_PER_SECOND / settings.responsesPerSecond()) : 0;
        this.windowNanos = Math.max(settings.window().toNanos(), burstNanos);
        int perStripe = Math.max(1, settings.maxPrefixes() / (2 * STRIPES));
        for (int i = 0; i < STRIPES; i++) {
            ipv4[i] = new Stripe(perStripe);
            ipv6[i] = new Stripe(perStripe);
        }
    }

    /** Charges one response to {@code client}'s prefix and says what to do with it. */
    public Decision decide(InetAddress client) {
        if (costNanos == 0) return Decision.SEND;
        if (settings.exemptLoopback() && client.isLoopbackAddress()) return Decision.SEND;
        return charge(client.getAddress());
    }

    /**
     * As {@link #decide(InetAddress)}, for an address given as its bytes (4 for IPv4, 16 for IPv6), so a UDP loop
     * need not make an {@link InetAddress} per query. The caller may reuse {@code address} once this returns.
     */
    public Decision decide(byte[] address) {
        if (costNanos == 0) return Decision.SEND;
        if (settings.exemptLoopback() && isLoopback(address)) return Decision.SEND;
        return charge(address);
    }

    /** {@link InetAddress#isLoopbackAddress()} on raw bytes: 127.0.0.0/8, or ::1. */
    private static boolean isLoopback(byte[] a) {
        if (a.length == 4) return a[0] == 127;
        for (int i = 0; i < 15; i++) {
            if (a[i] != 0) return false;
        }
        return a[15] == 1;
    }

    private Decision charge(byte[] a) {
        long key;
        Stripe[] table;
        if (a.length == 4) {
            long ip = ((a[0] & 0xFFL) << 24) | ((a[1] & 0xFFL) << 16) | ((a[2] & 0xFFL) << 8) | (a[3] & 0xFFL);
            key = ip & (0xFFFF_FFFFL << (32 - settings.ipv4PrefixLength())) & 0xFFFF_FFFFL;
            table = ipv4;
        } else {
            long high = 0;
            for (int i = 0; i < 8; i++) high = (high << 8) | (a[i] & 0xFFL);
            key = high & (-1L << (64 - settings.ipv6PrefixLength()));
            table = ipv6;
        }
        Stripe stripe = table[Long.hashCode(key * 0x9E37_79B9_7F4A_7C15L) & (STRIPES - 1)];
        long now = nanoTime.getAsLong();
        long limitedSoFar;
        synchronized (stripe) {
            Account account = stripe.get(key);
            if (account == null) {
                account = new Account(now);
                stripe.put(key, account);
            }
            long start = account.tat - now > 0 ? account.tat : now;
            boolean allowed = start + costNanos - now <= burstNanos;
            account.tat = Math.min(start + costNanos, now + windowNanos);
            if (allowed) return Decision.SEND;
            limitedSoFar = ++account.limited;
        }
        if (settings.slip() > 0 && limitedSoFar % settings.slip() == 0) {
            slipped.increment();
            return Decision.SLIP;
        }
        dropped.increment();
        return Decision.DROP;
    }

    /** Responses dropped since start. */
    public long dropped() {
        return dropped.sum();
    }

    /** Responses sent truncated instead (slipped) since start. */
    public long slipped() {
        return slipped.sum();
    }

    /** Prefixes remembered now; at most {@link RateLimitSettings#maxPrefixes()} (or 32, if that is smaller). */
    public int trackedPrefixes() {
        int n = 0;
        for (Stripe[] table : new Stripe[][] {ipv4, ipv6}) {
            for (Stripe s : table) {
                synchronized (s) {
                    n += s.size();
                }
            }
        }
        return n;
    }

    private static final class Account {
        /** When the prefix's credit is used up; in the past means full credit. */
        long tat;
        long limited;

        Account(long now) {
            this.tat = now;
        }
    }

    /** An access-ordered map that forgets its least recently seen prefix beyond its capacity. */
    private static final class Stripe extends LinkedHashMap<Long, Account> {
        private final int capacity;

        Stripe(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Account> eldest) {
            return size() > capacity;
        }
    }
}
