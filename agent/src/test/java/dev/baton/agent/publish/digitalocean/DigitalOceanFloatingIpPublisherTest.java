package dev.baton.agent.publish.digitalocean;

import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.SECRET;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.TOKEN;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.assertTokenOnlyInAuthorization;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.nothing;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.serviceIntent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.agent.config.Secret;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.CountingGate;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean.Recorded;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DigitalOceanFloatingIpPublisher} against {@link FakeDigitalOcean}: assign, poll, confirm. */
class DigitalOceanFloatingIpPublisherTest {
    private static final String IP = "203.0.113.10";
    private static final String IP_PATH = "/v2/reserved_ips/" + IP;
    private static final long OURS = 3164445L;
    private static final long ELSEWHERE = 3164444L;
    private FakeDigitalOcean fake;

    @BeforeEach
    void start() throws Exception {
        fake = FakeDigitalOcean.start(TOKEN);
        fake.addReservedIp(IP, ELSEWHERE);
    }

    @AfterEach
    void tokenWentOnlyInTheAuthorizationHeader() {
        try {
            assertTokenOnlyInAuthorization(fake.requests(), TOKEN);
        } finally {
            fake.close();
        }
    }

    private DigitalOceanFloatingIpPublisher publisher(int maxPolls) {
        return publisher(SECRET, maxPolls);
    }

    private DigitalOceanFloatingIpPublisher publisher(Secret token, int maxPolls) {
        var config = new DigitalOceanFloatingIpConfig(IP, token, fake.url());
        return new DigitalOceanFloatingIpPublisher(config, new DigitalOceanApi(config.apiUrl(), token), Duration.ZERO,
                maxPolls);
    }

    private static Intent activeOn(long droplet) {
        return serviceIntent(new Placement("a", "10.0.0.5", Optional.of(droplet), Optional.empty()), new Fence(3, 7));
    }

    private static Intent leaderOn(long droplet) {
        return new Intent(Intent.LEADER_SCOPE, Optional.of(new Placement("node-2", "10.0.0.2", Optional.of(droplet),
                Optional.of(2))), Optional.empty(), new Fence(4, 0), "leader elected", 0, Role.LEADER, true);
    }

    private String requestLine(Recorded r) {
        return r.method() + " " + r.path();
    }

    @Test
    void assignsThenPollsTheActionToCompletedThenReadsBack() throws Exception {
        fake.actionPolls(3);
        CountingGate gate = CountingGate.open();

        Outcome outcome = publisher(10).reconcile(activeOn(OURS), gate);

        assertThat(outcome).isEqualTo(Outcome.written("droplet 3164445"));
        assertThat(fake.dropletOf(IP)).contains(OURS);
        long action = 1000; // the fake's first id
        assertThat(fake.requests()).extracting(this::requestLine).containsExactly(
                "GET " + IP_PATH, "POST " + IP_PATH + "/actions", "GET " + IP_PATH + "/actions/" + action,
                "GET " + IP_PATH + "/actions/" + action, "GET " + IP_PATH + "/actions/" + action, "GET " + IP_PATH);
        assertThat(fake.requests().get(1).body()).isEqualTo("{\"type\":\"assign\",\"droplet_id\":3164445}");
        assertThat(gate.calls).containsExactly(DigitalOceanApi.DEFAULT_WRITE_TIMEOUT);
    }

    @Test
    void anUnassignedIpIsAssigned() throws Exception {
        fake.addReservedIp(IP, null);

        assertThat(publisher(10).reconcile(activeOn(OURS), CountingGate.open())).isEqualTo(Outcome.written("droplet 3164445"));
    }

    @Test
    void anIpAlreadyOnTheDropletIsInSyncWithoutAWrite() throws Exception {
        fake.addReservedIp(IP, OURS);
        CountingGate gate = CountingGate.open();

        assertThat(publisher(10).reconcile(activeOn(OURS), gate)).isEqualTo(Outcome.inSync("droplet 3164445"));
        assertThat(fake.writes()).isEmpty();
        assertThat(gate.calls).isEmpty();
    }

    @Test
    void followsTheActiveInstancesDropletAndTheLeadersDroplet() throws Exception {
        DigitalOceanFloatingIpPublisher publisher = publisher(10);

        assertThat(publisher.reconcile(activeOn(OURS), CountingGate.open()).published()).isEqualTo("droplet 3164445");
        assertThat(publisher.reconcile(leaderOn(3164446L), CountingGate.open()).published()).isEqualTo("droplet 3164446");
        assertThat(fake.dropletOf(IP)).contains(3164446L);
        assertThat(fake.writes()).extracting(Recorded::body).containsExactly(
                "{\"type\":\"assign\",\"droplet_id\":3164445}", "{\"type\":\"assign\",\"droplet_id\":3164446}");
    }

    @Test
    void anErroredActionIsTransient() {
        fake.nextActionErrors();

        PublishException e = catchThrowableOfType(() -> publisher(10).reconcile(activeOn(OURS), CountingGate.open()),
                PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).isEqualTo("reserved IP 203.0.113.10 (DigitalOcean): assign action 1000 to droplet "
                + "3164445 errored");
        assertThat(fake.dropletOf(IP)).contains(ELSEWHERE);
    }

    @Test
    void anActionStillInProgressAfterThePollBoundIsTransient() {
        fake.actionPolls(100);

        PublishException e = catchThrowableOfType(() -> publisher(3).reconcile(activeOn(OURS), CountingGate.open()),
                PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("action 1000 still in progress after 3 polls");
        assertThat(fake.requests()).filteredOn(r -> r.path().endsWith("/actions/1000")).hasSize(3);
    }

    @Test
    void aPendingEventWaitsForTheActionInFlightThenAssigns() throws Exception {
        // Another client's action starts between our read and our POST: the POST gets 422 "pending event".
        long[] theirs = new long[1];
        fake.beforeNext("POST", IP_PATH + "/actions", f -> theirs[0] = f.startAction(IP, 777L));

        Outcome outcome = publisher(10).reconcile(activeOn(OURS), CountingGate.open());

        assertThat(outcome).isEqualTo(Outcome.written("droplet 3164445"));
        assertThat(fake.requests()).extracting(this::requestLine).containsExactly(
                "GET " + IP_PATH,
                "POST " + IP_PATH + "/actions",                  // 422 pending event
                "GET " + IP_PATH + "/actions",                   // find the action in flight
                "GET " + IP_PATH + "/actions/" + theirs[0],      // in-progress
                "GET " + IP_PATH + "/actions/" + theirs[0],      // completed: now on 777
                "GET " + IP_PATH,
                "POST " + IP_PATH + "/actions",
                "GET " + IP_PATH + "/actions/" + (theirs[0] + 1),
                "GET " + IP_PATH + "/actions/" + (theirs[0] + 1),
                "GET " + IP_PATH);
    }

    @Test
    void aLockedIpIsWaitedForBeforeAnyPost() throws Exception {
        long theirs = fake.startAction(IP, 777L);

        Outcome outcome = publisher(10).reconcile(activeOn(OURS), CountingGate.open());

        assertThat(outcome).isEqualTo(Outcome.written("droplet 3164445"));
        assertThat(fake.requests().subList(0, 4)).extracting(this::requestLine).containsExactly(
                "GET " + IP_PATH, "GET " + IP_PATH + "/actions", "GET " + IP_PATH + "/actions/" + theirs,
                "GET " + IP_PATH + "/actions/" + theirs);
        assertThat(fake.writes()).hasSize(1);
    }

    @Test
    void alreadyAssignedToThatDropletCountsAsDone() throws Exception {
        // Our previous attempt's assign, answered too late, lands between this attempt's read and its POST.
        fake.beforeNext("POST", IP_PATH + "/actions", f -> f.addReservedIp(IP, OURS));

        Outcome outcome = publisher(10).reconcile(activeOn(OURS), CountingGate.open());

        assertThat(outcome).isEqualTo(Outcome.written("droplet 3164445"));
        assertThat(fake.requests()).extracting(this::requestLine)
                .containsExactly("GET " + IP_PATH, "POST " + IP_PATH + "/actions", "GET " + IP_PATH);
    }

    @Test
    void aReadBackThatDisagreesIsAnError() {
        fake.assignmentsTakeEffect(false);

        PublishException e = catchThrowableOfType(() -> publisher(10).reconcile(activeOn(OURS), CountingGate.open()),
                PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).isEqualTo(
                "reserved IP 203.0.113.10 (DigitalOcean): read back droplet 3164444, expected droplet 3164445");
    }

    @Test
    void aClosedGateSendsNoWrite() {
        PublishException e = catchThrowableOfType(() -> publisher(10).reconcile(activeOn(OURS), new CountingGate(0)),
                PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.NOT_LEADING);
        assertThat(fake.writes()).isEmpty();
        assertThat(fake.dropletOf(IP)).contains(ELSEWHERE);
    }

    @Test
    void aPlacementWithoutADropletIsAConfigurationErrorNamingTheInstance() {
        Intent noDroplet = serviceIntent(new Placement("db-b", "10.0.0.6", Optional.empty(), Optional.empty()),
                new Fence(3, 7));
        Intent leaderNoDroplet = new Intent(Intent.LEADER_SCOPE, Optional.of(new Placement("node-2", "10.0.0.2",
                Optional.empty(), Optional.of(2))), Optional.empty(), new Fence(4, 0), "", 0, Role.LEADER, true);

        PublishException service = catchThrowableOfType(() -> publisher(10).reconcile(noDroplet, CountingGate.open()),
                PublishException.class);
        PublishException leader = catchThrowableOfType(() -> publisher(10).reconcile(leaderNoDroplet,
                CountingGate.open()), PublishException.class);

        assertThat(service.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(service.getMessage()).isEqualTo("reserved IP 203.0.113.10 (DigitalOcean): db-b has no droplet_id "
                + "(set instances[].droplet_id to use digitalocean_floating_ip)");
        assertThat(leader.getMessage()).contains("node-2 has no droplet_id (set members[].droplet_id");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void anEmptyPlacementLeavesTheIpWhereItIs() throws Exception {
        Outcome outcome = publisher(10).reconcile(nothing(3, 8), CountingGate.open());

        assertThat(outcome).isEqualTo(new Outcome(Outcome.Result.IN_SYNC, "droplet 3164444",
                "no placement: the reserved IP stays where it is"));
        assertThat(fake.writes()).isEmpty();
    }

    @Test
    void anUnknownIpIsAConfigurationError() {
        var config = new DigitalOceanFloatingIpConfig("203.0.113.99", SECRET, fake.url());
        var publisher = new DigitalOceanFloatingIpPublisher(config, new DigitalOceanApi(fake.url(), SECRET),
                Duration.ZERO, 10);

        PublishException e = catchThrowableOfType(() -> publisher.reconcile(activeOn(OURS), CountingGate.open()),
                PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).startsWith("reserved IP 203.0.113.99 is not in the DigitalOcean account: "
                + "GET /v2/reserved_ips/203.0.113.99: 404 Not Found");
    }

    @Test
    void aRefusedTokenIsAConfigurationErrorWithoutTheToken() {
        String wrong = "dop_v1_1111111111111111wrongtoken1111111111111111111111";
        Secret wrongSecret = new Secret(wrong.getBytes(StandardCharsets.UTF_8), "environment variable DO_TOKEN");

        PublishException e = catchThrowableOfType(() -> publisher(wrongSecret, 10).reconcile(activeOn(OURS),
                CountingGate.open()), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).isEqualTo("the API refused the token from environment variable DO_TOKEN: "
                + "401 Unauthorized: Unable to authenticate you");
        assertThat(e.toString()).doesNotContain(wrong);
        assertTokenOnlyInAuthorization(fake.requests(), wrong);
        fake.clearRequests(); // the @AfterEach check is for the right token
    }

    @Test
    void targetNamesTheIp() {
        assertThat(publisher(10).target()).isEqualTo("reserved IP 203.0.113.10 (DigitalOcean)");
    }
}
