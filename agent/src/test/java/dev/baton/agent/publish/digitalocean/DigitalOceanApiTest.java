package dev.baton.agent.publish.digitalocean;

import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.SECRET;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.TOKEN;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.assertTokenOnlyInAuthorization;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean.Fault;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DigitalOceanApi}: error mapping, rate-limit delays, pagination, and where the token goes. */
class DigitalOceanApiTest {
    private static final String RECORDS = "/v2/domains/example.com/records";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    private FakeDigitalOcean fake;
    private DigitalOceanApi api;

    @BeforeEach
    void start() throws Exception {
        fake = FakeDigitalOcean.start(TOKEN);
        fake.addDomain("example.com");
        api = new DigitalOceanApi(fake.url(), SECRET, Duration.ofSeconds(10), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void a429TakesItsDelayFromRetryAfterInSeconds() {
        fake.inject(Fault.of("GET", RECORDS, 429, "API Rate limit exceeded.").withHeader("retry-after", "29")
                .withHeader("ratelimit-remaining", "0").withHeader("ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 600)));

        PublishException e = catchThrowableOfType(() -> api.get(RECORDS), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(29));
        assertThat(e.getMessage()).isEqualTo("GET " + RECORDS + ": 429 Too Many Requests: API Rate limit exceeded.");
    }

    @Test
    void a429WithoutRetryAfterWaitsUntilRatelimitReset() {
        fake.inject(Fault.of("GET", RECORDS, 429, "API Rate limit exceeded.").withHeader("ratelimit-remaining", "0")
                .withHeader("ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 42)));

        PublishException e = catchThrowableOfType(() -> api.get(RECORDS), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(42));
    }

    @Test
    void a429WhoseResetHasPassedRetriesAtOnce() {
        fake.inject(Fault.of("GET", RECORDS, 429, "API Rate limit exceeded.")
                .withHeader("ratelimit-reset", String.valueOf(NOW.getEpochSecond() - 5)));

        PublishException e = catchThrowableOfType(() -> api.get(RECORDS), PublishException.class);

        assertThat(e.retryAfter()).contains(Duration.ZERO);
    }

    @Test
    void aServerErrorIsTransientAndOtherClientErrorsAreConfiguration() {
        fake.inject(Fault.of("GET", RECORDS, 503, "Service Unavailable"));
        fake.inject(Fault.of("POST", RECORDS, 422, "TTL must be at least 30 seconds."));

        PublishException get = catchThrowableOfType(() -> api.get(RECORDS), PublishException.class);
        PublishException post = catchThrowableOfType(() -> api.orThrow(api.send("POST", RECORDS,
                DigitalOceanApi.object().put("type", "A"))), PublishException.class);

        assertThat(get.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(post.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(post.getMessage()).isEqualTo("POST " + RECORDS + ": 422 Unprocessable Entity: TTL must be at least 30 seconds.");
    }

    @Test
    void aForbiddenTokenNamesItsSource() {
        fake.inject(Fault.of("GET", RECORDS, 403, "You are not authorized to perform this operation"));

        PublishException e = catchThrowableOfType(() -> api.get(RECORDS), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).isEqualTo("the API refused the token from file /etc/baton/do.token: "
                + "403 Forbidden: You are not authorized to perform this operation");
    }

    @Test
    void pagesAreFollowedOnTheConfiguredHostWhateverHostTheLinksName() throws Exception {
        // The real API names https://api.digitalocean.com in its links; the token must not follow a link elsewhere.
        fake.linkBase(URI.create("http://127.0.0.2:9")).pageSize(2);
        for (int i = 1; i <= 5; i++) fake.addRecord("example.com", "A", "db", "192.0.2." + i, 30);

        var items = api.getAllPages(RECORDS + "?name=db.example.com&type=A", "domain_records", "not found");

        assertThat(items).extracting(j -> j.path("data").asText())
                .containsExactly("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5");
        assertThat(fake.requests()).extracting(r -> r.param("page")).containsExactly(null, "2", "3");
        assertThat(fake.requests()).allSatisfy(r -> assertThat(r.param("name")).isEqualTo("db.example.com"));
        assertTokenOnlyInAuthorization(fake.requests(), TOKEN);
    }

    @Test
    void anUnreachableApiIsTransientAndItsMessageHasNoToken() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DigitalOceanApi unreachable = new DigitalOceanApi(URI.create("http://127.0.0.1:" + closedPort), SECRET);

        PublishException e = catchThrowableOfType(() -> unreachable.get(RECORDS), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).startsWith("GET " + RECORDS + ": ").doesNotContain(TOKEN);
        assertThat(unreachable.toString()).isEqualTo("DigitalOceanApi[http://127.0.0.1:" + closedPort
                + ", token from file /etc/baton/do.token]");
    }
}
