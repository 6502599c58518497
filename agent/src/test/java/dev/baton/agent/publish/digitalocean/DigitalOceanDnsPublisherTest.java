package dev.baton.agent.publish.digitalocean;

import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.SECRET;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.TOKEN;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.assertTokenOnlyInAuthorization;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.nothing;
import static dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.pointAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.agent.config.Secret;
import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.digitalocean.DigitalOceanTestSupport.CountingGate;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean.Fault;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean.Rec;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean.Recorded;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DigitalOceanDnsPublisher} against {@link FakeDigitalOcean}: the exact requests it sends and what they leave. */
class DigitalOceanDnsPublisherTest {
    private static final String DOMAIN = "example.com";
    private static final String RECORDS = "/v2/domains/example.com/records";
    private FakeDigitalOcean fake;

    @BeforeEach
    void start() throws Exception {
        fake = FakeDigitalOcean.start(TOKEN);
        fake.addDomain(DOMAIN);
        fake.addRecord(DOMAIN, "NS", "@", "ns1.digitalocean.com.", 1800);
        fake.addRecord(DOMAIN, "NS", "@", "ns2.digitalocean.com.", 1800);
    }

    @AfterEach
    void tokenWentOnlyInTheAuthorizationHeader() {
        try {
            assertTokenOnlyInAuthorization(fake.requests(), TOKEN);
        } finally {
            fake.close();
        }
    }

    private DigitalOceanDnsPublisher publisher(String record, RecordType type) {
        return publisher(DOMAIN, record, type, SECRET);
    }

    private DigitalOceanDnsPublisher publisher(String domain, String record, RecordType type, Secret token) {
        return new DigitalOceanDnsPublisher(
                new DigitalOceanDnsConfig(domain, record, type, Duration.ofSeconds(30), token, fake.url()),
                DigitalOceanApi.DEFAULT_WRITE_TIMEOUT);
    }

    private List<Recorded> writes() {
        return fake.writes();
    }

    @Test
    void createsTheFenceThenTheRecordWhenAbsent() throws Exception {
        CountingGate gate = CountingGate.open();

        Outcome outcome = publisher("db", RecordType.A).reconcile(pointAt("192.0.2.10", 3, 7), gate);

        assertThat(outcome).isEqualTo(Outcome.written("192.0.2.10"));
        assertThat(fake.records(DOMAIN, "db", "A")).extracting(Rec::data, Rec::ttl)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("192.0.2.10", 30L));
        assertThat(fake.records(DOMAIN, "_baton-fence.db", "TXT")).extracting(Rec::data).containsExactly("term=3 index=7");
        // Fence first, then the record: a crash between them leaves a fence at least as new as the record.
        assertThat(writes()).extracting(Recorded::method, w -> w.body().contains("\"type\":\"TXT\""))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", true),
                        org.assertj.core.groups.Tuple.tuple("POST", false));
        assertThat(writes().get(1).body()).contains("\"name\":\"db\"", "\"data\":\"192.0.2.10\"", "\"ttl\":30");
        // The gate is asked immediately before each of the two writes, with the request timeout.
        assertThat(gate.calls).containsExactly(DigitalOceanApi.DEFAULT_WRITE_TIMEOUT, DigitalOceanApi.DEFAULT_WRITE_TIMEOUT);
    }

    @Test
    void theNameFilterCarriesTheFullNameAndTheTypeFilterTheType() throws Exception {
        publisher("db", RecordType.A).reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open());
        publisher("@", RecordType.A).reconcile(pointAt("192.0.2.11", 3, 7), CountingGate.open());

        List<Recorded> lists = fake.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().equals(RECORDS)).toList();
        assertThat(lists).extracting(r -> r.param("name") + " " + r.param("type")).containsSubsequence(
                "db.example.com A", "_baton-fence.db.example.com TXT",
                "example.com A", "_baton-fence.example.com TXT");
        assertThat(fake.records(DOMAIN, "@", "A")).extracting(Rec::data).containsExactly("192.0.2.11");
        assertThat(fake.records(DOMAIN, "_baton-fence", "TXT")).extracting(Rec::data).containsExactly("term=3 index=7");
    }

    @Test
    void findsItsRecordOnPageThreeAndUpdatesItInPlace() throws Exception {
        // An API that pages the whole domain despite the filters: the record sits on page 3 of 2-record pages.
        fake.filtersIgnored(true).pageSize(2);
        fake.addRecord(DOMAIN, "A", "www", "192.0.2.80", 1800);
        fake.addRecord(DOMAIN, "MX", "@", "mail.example.com.", 1800);
        long ours = fake.addRecord(DOMAIN, "A", "db", "192.0.2.99", 30);
        fake.addRecord(DOMAIN, "TXT", "_baton-fence.db", "term=2 index=4", 30);

        Outcome outcome = publisher("db", RecordType.A).reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open());

        assertThat(outcome.result()).isEqualTo(Outcome.Result.WRITTEN);
        assertThat(fake.requests()).anyMatch(r -> r.method().equals("GET") && "3".equals(r.param("page")));
        assertThat(fake.records(DOMAIN, "db", "A")).extracting(Rec::id, Rec::data)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ours, "192.0.2.10"));
        assertThat(writes()).extracting(Recorded::method).containsExactly("PUT", "PUT");
        assertThat(writes().get(1).path()).isEqualTo(RECORDS + "/" + ours);
        assertThat(fake.records(DOMAIN, "www", "A")).extracting(Rec::data).containsExactly("192.0.2.80");
    }

    @Test
    void keepsTheRightRecordFromPageThreeAndDeletesTheDuplicates() throws Exception {
        fake.pageSize(2);
        for (int i = 1; i <= 4; i++) fake.addRecord(DOMAIN, "A", "db", "192.0.2." + (90 + i), 30);
        long right = fake.addRecord(DOMAIN, "A", "db", "192.0.2.10", 30); // the fifth match: page 3
        fake.addRecord(DOMAIN, "TXT", "_baton-fence.db", "term=3 index=7", 30);

        Outcome outcome = publisher("db", RecordType.A).reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open());

        assertThat(outcome.result()).isEqualTo(Outcome.Result.WRITTEN);
        assertThat(outcome.detail()).isEqualTo("deleted 4 duplicate A records of db.example.com");
        assertThat(fake.records(DOMAIN, "db", "A")).extracting(Rec::id).containsExactly(right);
        assertThat(writes()).extracting(Recorded::method).containsOnly("DELETE").hasSize(4);
    }

    @Test
    void updatesTheOldestOfSeveralWrongRecordsAndDeletesTheRest() throws Exception {
        long oldest = fake.addRecord(DOMAIN, "A", "db", "192.0.2.91", 30);
        fake.addRecord(DOMAIN, "A", "db", "192.0.2.92", 300);
        fake.addRecord(DOMAIN, "A", "db", "192.0.2.93", 30);

        Outcome outcome = publisher("db", RecordType.A).reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open());

        assertThat(outcome.detail()).isEqualTo("deleted 2 duplicate A records of db.example.com");
        assertThat(fake.records(DOMAIN, "db", "A")).extracting(Rec::id, Rec::data)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(oldest, "192.0.2.10"));
        assertThat(writes()).extracting(Recorded::method).containsExactly("POST", "PUT", "DELETE", "DELETE");
    }

    @Test
    void aServerErrorAfterTheCreateIsNotFollowedByASecondCreate() throws Exception {
        fake.inject(Fault.of("POST", RECORDS, 500, "Unexpected server-side error").whenBodyContains("\"type\":\"A\"")
                .afterApplying());
        DigitalOceanDnsPublisher publisher = publisher("db", RecordType.A);

        PublishException first = catchThrowableOfType(
                () -> publisher.reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open()), PublishException.class);
        Outcome second = publisher.reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open());

        assertThat(first.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(first.getMessage()).isEqualTo(
                "POST /v2/domains/example.com/records: 500 Internal Server Error: Unexpected server-side error");
        assertThat(second).isEqualTo(Outcome.inSync("192.0.2.10"));
        assertThat(fake.records(DOMAIN, "db", "A")).hasSize(1);
        assertThat(writes()).filteredOn(w -> w.body().contains("\"type\":\"A\"")).hasSize(1);
    }

    @Test
    void aRecordDeletedByHandBetweenReadAndUpdateIsRetriedNotMisreported() throws Exception {
        long record = fake.addRecord(DOMAIN, "A", "db", "192.0.2.99", 30);
        fake.beforeNext("PUT", RECORDS + "/" + record, f -> f.removeRecord(DOMAIN, record));
        DigitalOceanDnsPublisher publisher = publisher("db", RecordType.A);

        PublishException first = catchThrowableOfType(
                () -> publisher.reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open()), PublishException.class);

        assertThat(first.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(first.getMessage()).endsWith("record " + record + " vanished before its update");
        assertThat(publisher.reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open()))
                .isEqualTo(Outcome.written("192.0.2.10"));
        assertThat(fake.records(DOMAIN, "db", "A")).extracting(Rec::data).containsExactly("192.0.2.10");
    }

    @Test
    void aNewerFenceSupersedesAndNothingIsWritten() throws Exception {
        fake.addRecord(DOMAIN, "A", "db", "192.0.2.99", 30);
        fake.addRecord(DOMAIN, "TXT", "_baton-fence.db", "term=9 index=1", 30);
        CountingGate gate = CountingGate.open();

        Outcome outcome = publisher("db", RecordType.A).reconcile(pointAt("192.0.2.10", 3, 7), gate);

        assertThat(outcome).isEqualTo(Outcome.superseded("192.0.2.99",
                "published fence term=9 index=1 is newer than this decision's term=3 index=7"));
        assertThat(writes()).isEmpty();
        assertThat(gate.calls).isEmpty();
    }

    @Test
    void aClosedGateSendsNoWrite() {
        PublishException e = catchThrowableOfType(() -> publisher("db", RecordType.A)
                .reconcile(pointAt("192.0.2.10", 3, 7), new CountingGate(0)), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.NOT_LEADING);
        assertThat(writes()).isEmpty();
    }

    @Test
    void theGateIsAskedBeforeEachWriteNotOncePerReconcile() {
        // The lease runs short after the first write: the fence goes out, the record does not.
        CountingGate gate = new CountingGate(1);

        PublishException e = catchThrowableOfType(() -> publisher("db", RecordType.A)
                .reconcile(pointAt("192.0.2.10", 3, 7), gate), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.NOT_LEADING);
        assertThat(writes()).hasSize(1);
        assertThat(writes().get(0).body()).contains("term=3 index=7");
        assertThat(fake.records(DOMAIN, "db", "A")).isEmpty();
    }

    @Test
    void anEmptyPlacementDeletesTheRecordAfterAdvancingTheFence() throws Exception {
        long record = fake.addRecord(DOMAIN, "A", "db", "192.0.2.99", 30);
        long fence = fake.addRecord(DOMAIN, "TXT", "_baton-fence.db", "term=2 index=5", 30);

        Outcome outcome = publisher("db", RecordType.A).reconcile(nothing(3, 8), CountingGate.open());

        assertThat(outcome).isEqualTo(Outcome.written("none"));
        assertThat(writes()).extracting(w -> w.method() + " " + w.path())
                .containsExactly("PUT " + RECORDS + "/" + fence, "DELETE " + RECORDS + "/" + record);
        assertThat(fake.records(DOMAIN, "db", "A")).isEmpty();
        assertThat(fake.records(DOMAIN, "_baton-fence.db", "TXT")).extracting(Rec::data).containsExactly("term=3 index=8");
    }

    @Test
    void aSecondReconcileOfTheSameIntentReadsAndWritesNothing() throws Exception {
        DigitalOceanDnsPublisher publisher = publisher("db", RecordType.A);
        publisher.reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open());
        fake.clearRequests();

        Outcome outcome = publisher.reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open());

        assertThat(outcome).isEqualTo(Outcome.inSync("192.0.2.10"));
        assertThat(fake.requests()).extracting(Recorded::method).containsOnly("GET").hasSize(2);
    }

    @Test
    void aCnameGetsAnAbsoluteNameWithTheTrailingDot() throws Exception {
        DigitalOceanDnsPublisher publisher = publisher("www", RecordType.CNAME);

        Outcome outcome = publisher.reconcile(pointAt("db.example.net", 3, 7), CountingGate.open());

        assertThat(outcome).isEqualTo(Outcome.written("db.example.net."));
        assertThat(fake.records(DOMAIN, "www", "CNAME")).extracting(Rec::data).containsExactly("db.example.net.");
        assertThat(publisher.reconcile(pointAt("db.example.net", 3, 7), CountingGate.open()).result())
                .isEqualTo(Outcome.Result.IN_SYNC);
    }

    @Test
    void anAddressThatDoesNotFitTheTypeIsAConfigurationError() {
        PublishException e = catchThrowableOfType(() -> publisher("db", RecordType.A)
                .reconcile(pointAt("db.example.net", 3, 7), CountingGate.open()), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).contains("instance a's address db.example.net is not an IPv4 literal");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aWriteThatDidNotTakeIsReportedByTheReadBack() {
        // The API answers 200 to the record's create but stores nothing.
        fake.inject(Fault.of("POST", RECORDS, 200, "accepted").whenBodyContains("\"type\":\"A\""));

        PublishException e = catchThrowableOfType(() -> publisher("db", RecordType.A)
                .reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open()), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).isEqualTo("db.example.com A (DigitalOcean domain example.com): read back "
                + "0 record(s) [none], fence term=3 index=7, expected 192.0.2.10 under fence term=3 index=7");
    }

    @Test
    void aRefusedTokenIsAConfigurationErrorThatNamesItsSourceNotItsValue() {
        String wrong = "dop_v1_0000000000000000wrongtoken0000000000000000000000";
        Secret wrongSecret = new Secret(wrong.getBytes(StandardCharsets.UTF_8), "file /etc/baton/do.token");
        DigitalOceanDnsPublisher publisher = publisher(DOMAIN, "db", RecordType.A, wrongSecret);

        PublishException e = catchThrowableOfType(() -> publisher.reconcile(pointAt("192.0.2.10", 3, 7),
                CountingGate.open()), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).isEqualTo(
                "the API refused the token from file /etc/baton/do.token: 401 Unauthorized: Unable to authenticate you");
        assertThat(e.toString()).doesNotContain(wrong);
        assertThat(publisher.toString() + publisher.target()).doesNotContain(wrong);
        assertTokenOnlyInAuthorization(fake.requests(), wrong);
        fake.clearRequests(); // the @AfterEach check is for the right token
    }

    @Test
    void aDomainNotInTheAccountIsAConfigurationError() {
        PublishException e = catchThrowableOfType(() -> publisher("missing.example", "db", RecordType.A, SECRET)
                .reconcile(pointAt("192.0.2.10", 3, 7), CountingGate.open()), PublishException.class);

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).isEqualTo("domain missing.example is not in the DigitalOcean account: "
                + "GET /v2/domains/missing.example/records: 404 Not Found: "
                + "The resource you were accessing could not be found.");
    }

    @Test
    void targetNamesTheRecordTypeAndDomain() {
        assertThat(publisher("db", RecordType.A).target()).isEqualTo("db.example.com A (DigitalOcean domain example.com)");
        assertThat(publisher("@", RecordType.AAAA).target()).isEqualTo("example.com AAAA (DigitalOcean domain example.com)");
    }
}
