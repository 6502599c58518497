package dev.baton.agent.publish.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.config.Secret;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Intents, gates and the token-leak check shared by the DigitalOcean publisher tests. */
final class DigitalOceanTestSupport {
    static final String TOKEN = "dop_v1_4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";
    static final Secret SECRET = new Secret(TOKEN.getBytes(StandardCharsets.UTF_8), "file /etc/baton/do.token");

    private DigitalOceanTestSupport() {
    }

    static Intent serviceIntent(Placement placement, Fence fence) {
        return new Intent("db", Optional.ofNullable(placement), Optional.empty(), fence, "test decision", 0,
                Role.LEADER, false);
    }

    static Intent pointAt(String address, long term, long index) {
        return serviceIntent(new Placement("a", address, Optional.empty(), Optional.empty()), new Fence(term, index));
    }

    static Intent nothing(long term, long index) {
        return serviceIntent(null, new Fence(term, index));
    }

    /** A gate that lets {@code allowed} writes through, then closes; it remembers each timeout it was given. */
    static final class CountingGate implements WriteGate {
        final List<Duration> calls = new ArrayList<>();
        private int allowed;

        CountingGate(int allowed) {
            this.allowed = allowed;
        }

        static CountingGate open() {
            return new CountingGate(Integer.MAX_VALUE);
        }

        @Override
        public void beforeWrite(Duration requestTimeout) throws PublishException {
            calls.add(requestTimeout);
            if (allowed-- <= 0) {
                throw new PublishException(PublishException.Kind.NOT_LEADING, "lease too short for " + requestTimeout);
            }
        }
    }

    /** The token travels in the Authorization header of every request and nowhere else. */
    static void assertTokenOnlyInAuthorization(List<FakeDigitalOcean.Recorded> requests, String token) {
        for (FakeDigitalOcean.Recorded r : requests) {
            assertThat(r.header("authorization")).as("Authorization of %s", r).isEqualTo("Bearer " + token);
            assertThat(r.path()).doesNotContain(token);
            assertThat(r.query()).doesNotContain(token);
            assertThat(r.body()).doesNotContain(token);
            r.headers().forEach((name, values) -> {
                if (!name.equals("authorization")) assertThat(String.join(",", values)).doesNotContain(token);
            });
        }
    }
}
