package dev.baton.agent.publish.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.publish.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The webhook's JSON, exactly; Retry-After parsing. */
class WebhookBodyTest {
    private static String json(dev.baton.agent.publish.Intent intent) {
        return new String(WebhookBody.bytes(intent), StandardCharsets.UTF_8);
    }

    @Test
    void serviceDecision() {
        assertThat(json(TestIntents.moved())).isEqualTo("{\"service\":\"db\",\"instance\":\"b\",\"address\":\"10.0.0.2\","
                + "\"previous_instance\":\"a\",\"previous_address\":\"10.0.0.1\",\"term\":7,\"index\":42,"
                + "\"reason\":\"a unhealthy (3 of 3 nodes)\",\"decided_at\":\"2024-05-01T12:00:03.250Z\"}");
    }

    @Test
    void absentValuesAreNull() {
        assertThat(json(TestIntents.none())).isEqualTo("{\"service\":\"db\",\"instance\":null,\"address\":null,"
                + "\"previous_instance\":null,\"previous_address\":null,\"term\":3,\"index\":9,"
                + "\"reason\":\"no healthy instance\",\"decided_at\":null}");
    }

    @Test
    void leaderScopeAddsTheSendersRole() {
        assertThat(json(TestIntents.leaderScope(Role.FOLLOWER, 5))).isEqualTo("{\"service\":\"leader\","
                + "\"instance\":\"node-2\",\"address\":\"10.0.0.12\",\"previous_instance\":null,"
                + "\"previous_address\":null,\"term\":5,\"index\":0,\"reason\":\"elected\","
                + "\"decided_at\":\"2024-05-01T12:00:03.250Z\",\"role\":\"follower\"}");
    }

    @Test
    void retryAfterSecondsOrHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:28:00Z");
        assertThat(RetryAfter.parse(" 120 ", now)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
    }
}
