package dev.baton.agent.dns.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.dns.ratelimit.ResponseRateLimiter.Decision;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * SECOND);

    private ResponseRateLimiter limiter(int rate, int slip, Duration window, int maxPrefixes) {
        return new ResponseRateLimiter(new RateLimitSettings(rate, slip, window, 24, 56, maxPrefixes), now::get);
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static List<Decision> decide(ResponseRateLimiter limiter, InetAddress client, int n) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(limiter.decide(client));
        return out;
    }

    @Test
    void aClientUnderTheRateIsNeverLimited() throws Exception {
        ResponseRateLimiter limiter = limiter(10, 2, Duration.ofSeconds(15), 1000);
        for (int second = 0; second < 60; second++) {
            assertThat(decide(limiter, ip("192.0.2.1"), 10)).containsOnly(Decision.SEND);
            now.addAndGet(SECOND);
        }
        assertThat(limiter.dropped() + limiter.slipped()).isZero();
    }

    @Test
    void beyondTheRateEveryNthLimitedResponseSlipsAndTheRestAreDropped() throws Exception {
        ResponseRateLimiter limiter = limiter(10, 2, Duration.ofSeconds(15), 1000);
        List<Decision> burst = decide(limiter, ip("192.0.2.1"), 30);
        assertThat(burst.subList(0, 10)).containsOnly(Decision.SEND);
        assertThat(burst.subList(10, 30)).containsExactly(
                Decision.DROP, Decision.SLIP, Decision.DROP, Decision.SLIP, Decision.DROP, Decision.SLIP,
                Decision.DROP, Decision.SLIP, Decision.DROP, Decision.SLIP, Decision.DROP, Decision.SLIP,
                Decision.DROP, Decision.SLIP, Decision.DROP, Decision.SLIP, Decision.DROP, Decision.SLIP,
                Decision.DROP, Decision.SLIP);
        assertThat(limiter.slipped()).isEqualTo(10);
        assertThat(limiter.dropped()).isEqualTo(10);
    }

    @Test
    void slipZeroDropsEveryLimitedResponseAndSlipOneTruncatesEvery() throws Exception {
        assertThat(decide(limiter(5, 0, Duration.ofSeconds(15), 1000), ip("192.0.2.1"), 20).subList(5, 20))
                .containsOnly(Decision.DROP);
        assertThat(decide(limiter(5, 1, Duration.ofSeconds(15), 1000), ip("192.0.2.1"), 20).subList(5, 20))
                .containsOnly(Decision.SLIP);
    }

    @Test
    void clientsAreCountedPerSlash24AndPerSlash56() throws Exception {
        ResponseRateLimiter limiter = limiter(5, 0, Duration.ofSeconds(15), 1000);
        decide(limiter, ip("192.0.2.1"), 5);
        assertThat(limiter.decide(ip("192.0.2.200"))).as("same /24").isEqualTo(Decision.DROP);
        assertThat(limiter.decide(ip("192.0.3.1"))).as("next /24").isEqualTo(Decision.SEND);

        decide(limiter, ip("2001:db8:0:100::1"), 5);
        assertThat(limiter.decide(ip("2001:db8:0:1ff::2"))).as("same /56").isEqualTo(Decision.DROP);
        assertThat(limiter.decide(ip("2001:db8:0:200::1"))).as("next /56").isEqualTo(Decision.SEND);
    }

    @Test
    void aFloodStaysLimitedUntilItsRateOverTheWindowIsBackUnder() throws Exception {
        ResponseRateLimiter limiter = limiter(10, 0, Duration.ofSeconds(15), 1000);
        InetAddress flood = ip("198.51.100.7");
        for (int second = 0; second < 30; second++) { // 100/s for 30 s, ten times the rate
            decide(limiter, flood, 100);
            now.addAndGet(SECOND);
        }
        now.addAndGet(5 * SECOND); // quiet for 5 s: the debt (capped at the 15 s window) is not paid yet
        assertThat(limiter.decide(flood)).isEqualTo(Decision.DROP);
        now.addAndGet(15 * SECOND); // the window has passed
        assertThat(decide(limiter, flood, 10)).containsOnly(Decision.SEND);
    }

    @Test
    void creditComesBackAtTheRate() throws Exception {
        ResponseRateLimiter limiter = limiter(10, 0, Duration.ofSeconds(1), 1000);
        InetAddress client = ip("192.0.2.1");
        decide(limiter, client, 10);
        assertThat(limiter.decide(client)).isEqualTo(Decision.DROP);
        now.addAndGet(SECOND + SECOND / 10); // the debt is capped at the 1 s window: 1.1 s later the credit is full
        assertThat(decide(limiter, client, 10)).containsOnly(Decision.SEND);
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentlySeenPrefixIsForgotten() throws Exception {
        ResponseRateLimiter limiter = limiter(1, 0, Duration.ofSeconds(15), 320);
        for (int i = 0; i < 65_536; i++) {
            limiter.decide(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, 1}));
        }
        assertThat(limiter.trackedPrefixes()).isLessThanOrEqualTo(320);
    }

    @Test
    void offSendsEverything() throws Exception {
        ResponseRateLimiter limiter = new ResponseRateLimiter(RateLimitSettings.OFF, now::get);
        assertThat(decide(limiter, ip("192.0.2.1"), 100_000)).containsOnly(Decision.SEND);
        assertThat(limiter.trackedPrefixes()).isZero();
    }

    @Test
    void clientsOnThisHostAreNotLimitedUnlessAsked() throws Exception {
        AtomicLong now = new AtomicLong();
        ResponseRateLimiter exempt = new ResponseRateLimiter(new RateLimitSettings(5, 1, Duration.ofSeconds(15), 24, 56,
                1000, true), now::get);
        for (String local : List.of("127.0.0.1", "127.9.9.9", "::1")) {
            for (int i = 0; i < 50; i++) assertThat(exempt.decide(ip(local))).as(local).isEqualTo(Decision.SEND);
        }
        assertThat(exempt.decide(ip("192.0.2.1"))).isEqualTo(Decision.SEND);
        ResponseRateLimiter strict = new ResponseRateLimiter(new RateLimitSettings(5, 1, Duration.ofSeconds(15), 24, 56,
                1000, false), now::get);
        List<Decision> local = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) local.add(strict.decide(ip("127.0.0.1")));
        assertThat(local).contains(Decision.SLIP);
    }

    @Test
    void anAddressGivenAsBytesIsChargedAndExemptedAsTheSameInetAddress() throws Exception {
        // The native UDP loop passes raw bytes, the JDK path an InetAddress: both must share one account per prefix,
        // and loopback (127.0.0.0/8, ::1) is exempt in both forms when exempt_loopback is on.
        ResponseRateLimiter limiter = new ResponseRateLimiter(
                new RateLimitSettings(5, 0, Duration.ofSeconds(15), 24, 56, 1000, true), now::get);
        for (String client : new String[] {"192.0.2.1", "2001:db8::1"}) {
            List<Decision> mixed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                mixed.add(i % 2 == 0 ? limiter.decide(ip(client)) : limiter.decide(ip(client).getAddress()));
            }
            assertThat(mixed).as(client).containsExactly(Decision.SEND, Decision.SEND, Decision.SEND, Decision.SEND,
                    Decision.SEND, Decision.DROP, Decision.DROP, Decision.DROP, Decision.DROP, Decision.DROP);
        }
        for (String loopback : new String[] {"127.0.0.1", "127.1.2.3", "::1"}) {
            for (int i = 0; i < 10; i++) {
                assertThat(limiter.decide(ip(loopback).getAddress())).as(loopback).isEqualTo(Decision.SEND);
            }
        }
        assertThat(limiter.decide(ip("::2").getAddress())).isEqualTo(Decision.SEND);
        assertThat(limiter.trackedPrefixes()).as("two clients and ::2, no loopback").isEqualTo(3);
    }
}
