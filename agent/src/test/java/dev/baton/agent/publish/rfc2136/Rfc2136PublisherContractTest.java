package dev.baton.agent.publish.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Outcome.Result;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Update;

/**
 * The {@code rfc2136} publisher against a real zone primary, run once per server ({@link Rfc2136PublisherBindTest},
 * {@link Rfc2136PublisherKnotTest}). Each test starts its own server with the operator's grants for the records
 * it uses, and checks the outcome by asking the server itself (TCP, unsigned) for the record, the fence TXT and
 * the SOA serial, which rises with every UPDATE the server applied.
 */
abstract class Rfc2136PublisherContractTest {
    static final String ZONE = "ext.example.com.";
    static final String DB = "db.ext.example.com.";
    static final String WWW = "www.ext.example.com.";
    static final String V6 = "v6.ext.example.com.";
    /** Generous: Knot 3.2 sometimes holds an UPDATE about 1 s, and CI machines are loaded. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    AuthoritativeServer server;

    /** Starts the server under test as the primary of {@code zone}, {@code key} allowed to update {@code records}. */
    abstract AuthoritativeServer start(String zone, AuthoritativeServer.Key key, String... records);

    @BeforeEach
    void startServer() {
        server = start(ZONE, AuthoritativeServer.Key.random("baton-key.", "hmac-sha256"), DB, WWW, V6);
    }

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    @Test
    void recordFollowsFailoverAndFailbackAndASecondReconcileSendsNothing() throws Exception {
        Rfc2136Publisher publisher = publisher(DB, RecordType.A, server.key());
        CountingGate gate = new CountingGate();

        assertThat(publisher.reconcile(intent("127.0.0.1", 1, 1), gate)).isEqualTo(Outcome.written("127.0.0.1"));
        assertPublished(DB, "A", "127.0.0.1", new Fence(1, 1));

        assertThat(publisher.reconcile(intent("127.0.0.2", 1, 5), gate)).isEqualTo(Outcome.written("127.0.0.2"));
        assertPublished(DB, "A", "127.0.0.2", new Fence(1, 5));

        assertThat(publisher.reconcile(intent("127.0.0.1", 2, 9), gate)).isEqualTo(Outcome.written("127.0.0.1"));
        assertPublished(DB, "A", "127.0.0.1", new Fence(2, 9));
        assertThat(gate.calls.get()).isEqualTo(3);

        long serial = server.serial();
        assertThat(publisher.reconcile(intent("127.0.0.1", 2, 9), gate)).isEqualTo(Outcome.inSync("127.0.0.1"));
        assertThat(gate.calls.get()).as("no UPDATE attempted when in sync").isEqualTo(3);
        assertThat(server.serial()).as("no UPDATE applied").isEqualTo(serial);
        assertThat(server.lookup(DB, "A")).containsExactly("127.0.0.1");
    }

    @Test
    void firstWriteOnAnEmptyNameAndCnameWork() throws Exception {
        assertThat(server.lookup(WWW, "CNAME")).isEmpty();
        assertThat(server.lookup(AuthoritativeServer.fenceOf(WWW), "TXT")).isEmpty();
        Rfc2136Publisher publisher = publisher(WWW, RecordType.CNAME, server.key());

        // No fence yet: the UPDATE's prerequisite is "RRset does not exist" (RFC 2136 section 2.4.3).
        assertThat(publisher.reconcile(intent("app-a.example.net", 1, 3), new CountingGate()))
                .isEqualTo(Outcome.written("app-a.example.net."));
        assertPublished(WWW, "CNAME", "app-a.example.net.", new Fence(1, 3));

        assertThat(publisher.reconcile(intent("app-b.example.net", 1, 4), new CountingGate()))
                .isEqualTo(Outcome.written("app-b.example.net."));
        assertPublished(WWW, "CNAME", "app-b.example.net.", new Fence(1, 4));
    }

    @Test
    void anEmptyPlacementDeletesTheRecordAndStillMovesTheFence() throws Exception {
        Rfc2136Publisher publisher = publisher(DB, RecordType.A, server.key());
        publisher.reconcile(intent("127.0.0.1", 1, 1), new CountingGate());

        Intent none = new Intent("db", Optional.empty(), Optional.empty(), new Fence(1, 2), "none healthy", 0,
                Role.LEADER, false);
        assertThat(publisher.reconcile(none, new CountingGate())).isEqualTo(Outcome.written("absent"));
        assertThat(server.lookup(DB, "A")).isEmpty();
        assertThat(server.lookup(AuthoritativeServer.fenceOf(DB), "TXT")).containsExactly("\"term=1 index=2\"");
        assertThat(publisher.reconcile(none, new CountingGate())).isEqualTo(Outcome.inSync("absent"));
    }

    @Test
    void aaaaComparesAddressesNotSpellings() throws Exception {
        Rfc2136Publisher publisher = publisher(V6, RecordType.AAAA, server.key());
        assertThat(publisher.reconcile(intent("2001:db8:0:0:0:0:0:1", 1, 1), new CountingGate()))
                .isEqualTo(Outcome.written("2001:db8::1"));
        assertThat(server.lookup(V6, "AAAA")).hasSize(1);
        assertThat(InetAddress.getByName(server.lookup(V6, "AAAA").get(0))).isEqualTo(InetAddress.getByName("2001:db8::1"));
        long serial = server.serial();
        assertThat(publisher.reconcile(intent("2001:DB8::0:1", 1, 1), new CountingGate()))
                .isEqualTo(Outcome.inSync("2001:db8::1"));
        assertThat(server.serial()).isEqualTo(serial);
    }

    @Test
    void anAddressOfTheWrongKindIsAConfigurationError() throws Exception {
        assertThatThrownBy(() -> publisher(DB, RecordType.A, server.key()).reconcile(intent("::1", 1, 1), new CountingGate()))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
                .hasMessageContaining("IPv4").hasMessageContaining("::1");
        assertThatThrownBy(() -> publisher(WWW, RecordType.CNAME, server.key()).reconcile(intent("192.0.2.7", 1, 1), new CountingGate()))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
                .hasMessageContaining("host name");
        assertThat(server.serial()).isEqualTo(1);
    }

    @Test
    void aWrongSecretAnUnknownKeyAndAKeyWithoutGrantAreRefusedAndChangeNothing() throws Exception {
        publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.1", 1, 1), new CountingGate());
        long serial = server.serial();
        AuthoritativeServer.Key wrongSecret = server.key().withWrongSecret();
        AuthoritativeServer.Key unknownName = AuthoritativeServer.Key.random("nobody.", "hmac-sha256");

        PublishException badSig = refusal(publisher(DB, RecordType.A, wrongSecret));
        assertThat(badSig.getMessage()).contains("NOTAUTH").contains("BADSIG").contains("tsig.name/secret")
                .contains(server.address().toString()).doesNotContain(wrongSecret.secretBase64());

        PublishException badKey = refusal(publisher(DB, RecordType.A, unknownName));
        assertThat(badKey.getMessage()).contains("NOTAUTH").contains("BADKEY").doesNotContain(unknownName.secretBase64());

        // BIND answers the key's queries and refuses its UPDATE by policy (REFUSED); Knot already refuses to
        // answer a query signed with a key no ACL of the zone names (NOTAUTH, TSIG BADKEY).
        PublishException denied = refusal(publisher(DB, RecordType.A, server.deniedKey()));
        assertThat(denied.getMessage()).containsAnyOf("REFUSED", "BADKEY");

        assertThat(server.serial()).isEqualTo(serial);
        assertPublished(DB, "A", "127.0.0.1", new Fence(1, 1));
    }

    @Test
    void theOperatorsGrantsAllowTheRecordAndItsFenceOnly() throws Exception {
        String other = "other.ext.example.com.";
        // BIND: REFUSED by update-policy; Knot: NOTAUTH with TSIG BADKEY when no acl allows the update.
        PublishException e = refusal(publisher(other, RecordType.A, server.key()));
        assertThat(e.getMessage()).contains("refused the UPDATE").containsAnyOf("REFUSED", "BADKEY");
        assertThat(server.lookup(other, "A")).isEmpty();
        assertThat(server.serial()).isEqualTo(1);
    }

    private PublishException refusal(Rfc2136Publisher publisher) {
        try {
            publisher.reconcile(intent("127.0.0.2", 1, 2), new CountingGate());
        } catch (PublishException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.CONFIGURATION);
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the server accepted the UPDATE");
    }

    @Test
    void anOlderFenceIsSupersededAndWritesNothing() throws Exception {
        publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.1", 3, 12), new CountingGate());
        long serial = server.serial();
        CountingGate gateB = new CountingGate();

        Outcome outcome = publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.2", 2, 8), gateB);

        assertThat(outcome.result()).isEqualTo(Result.SUPERSEDED);
        assertThat(outcome.published()).isEqualTo("127.0.0.1");
        assertThat(outcome.detail()).contains("term=3 index=12");
        assertThat(gateB.calls.get()).isZero();
        assertThat(server.serial()).isEqualTo(serial);
        assertPublished(DB, "A", "127.0.0.1", new Fence(3, 12));
    }

    @Test
    void aNewerWriteBetweenReadAndUpdateFailsThePrerequisiteAndIsReportedAsSuperseding() throws Exception {
        publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.1", 2, 5), new CountingGate());
        Rfc2136Publisher a = publisher(DB, RecordType.A, server.key());
        Rfc2136Publisher b = publisher(DB, RecordType.A, server.key());
        // B has read fence (2,5); A writes (3,12) right before B's UPDATE goes out.
        CountingGate raceGate = new CountingGate(() -> {
            assertThat(a.reconcile(intent("127.0.0.3", 3, 12), new CountingGate()).result()).isEqualTo(Result.WRITTEN);
        });

        Outcome outcome = b.reconcile(intent("127.0.0.2", 2, 8), raceGate);

        assertThat(outcome.result()).isEqualTo(Result.SUPERSEDED);
        assertThat(outcome.detail()).contains("term=3 index=12");
        assertThat(raceGate.calls.get()).as("B sent one UPDATE, which the server refused on its prerequisite").isEqualTo(1);
        assertPublished(DB, "A", "127.0.0.3", new Fence(3, 12));
    }

    @Test
    void aRivalFirstWriteBetweenReadAndUpdateFailsTheRRsetDoesNotExistPrerequisite() throws Exception {
        Rfc2136Publisher a = publisher(WWW, RecordType.CNAME, server.key());
        CountingGate raceGate = new CountingGate(() -> a.reconcile(intent("new.example.net", 2, 1), new CountingGate()));

        Outcome outcome = publisher(WWW, RecordType.CNAME, server.key()).reconcile(intent("old.example.net", 1, 9), raceGate);

        assertThat(outcome.result()).isEqualTo(Result.SUPERSEDED);
        assertPublished(WWW, "CNAME", "new.example.net.", new Fence(2, 1));
    }

    @Test
    void anOlderFenceWrittenBetweenReadAndUpdateIsRetriedOverWithTheValueRead() throws Exception {
        publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.1", 1, 1), new CountingGate());
        Rfc2136Publisher other = publisher(DB, RecordType.A, server.key());
        AtomicInteger interference = new AtomicInteger();
        // Before our first UPDATE only, someone moves the fence to (1,2), still older than ours.
        CountingGate gate = new CountingGate(() -> {
            if (interference.getAndIncrement() == 0) other.reconcile(intent("127.0.0.9", 1, 2), new CountingGate());
        });

        Outcome outcome = publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.2", 2, 3), gate);

        assertThat(outcome).isEqualTo(Outcome.written("127.0.0.2"));
        assertThat(gate.calls.get()).as("the first UPDATE failed its prerequisite, the second went through").isEqualTo(2);
        assertPublished(DB, "A", "127.0.0.2", new Fence(2, 3));
    }

    @Test
    void aServerDownDuringAFailoverIsTransientAndTheNextReconcileWritesIt() throws Exception {
        Rfc2136Publisher publisher = publisher(DB, RecordType.A, server.key());
        publisher.reconcile(intent("127.0.0.1", 1, 1), new CountingGate());
        server.stop();

        assertThatThrownBy(() -> publisher.reconcile(intent("127.0.0.2", 1, 2), new CountingGate()))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT))
                .hasMessageContaining(server.address().toString());

        server.start();
        assertThat(server.lookup(DB, "A")).as("the zone's data survived the restart").containsExactly("127.0.0.1");
        assertThat(publisher.reconcile(intent("127.0.0.2", 1, 2), new CountingGate())).isEqualTo(Outcome.written("127.0.0.2"));
        assertPublished(DB, "A", "127.0.0.2", new Fence(1, 2));
    }

    @Test
    void aPausedOldLeaderWhoseGatePassesNeverOverwritesTheNewerFence() throws Exception {
        Rfc2136Publisher oldLeader = publisher(DB, RecordType.A, server.key());
        oldLeader.reconcile(intent("127.0.0.1", 1, 4), new CountingGate());
        // While the old leader was paused, a new leader took over and failed over to b.
        publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.2", 2, 7), new CountingGate());
        long serial = server.serial();

        // Woken up, it still believes it leads (its gate passes) and resyncs its stale intent, repeatedly.
        CountingGate stillBelieves = new CountingGate();
        for (int i = 0; i < 3; i++) {
            Outcome outcome = oldLeader.reconcile(intent("127.0.0.1", 1, 4), stillBelieves);
            assertThat(outcome.result()).isEqualTo(Result.SUPERSEDED);
            assertThat(outcome.published()).isEqualTo("127.0.0.2");
        }
        assertThat(server.serial()).isEqualTo(serial);
        assertPublished(DB, "A", "127.0.0.2", new Fence(2, 7));
    }

    @Test
    void aClosedGateSendsNoUpdate() throws Exception {
        Rfc2136Publisher publisher = publisher(DB, RecordType.A, server.key());
        publisher.reconcile(intent("127.0.0.1", 1, 1), new CountingGate());
        long serial = server.serial();
        WriteGate notLeading = timeout -> {
            throw new PublishException(Kind.NOT_LEADING, "lease too short");
        };

        assertThatThrownBy(() -> publisher.reconcile(intent("127.0.0.2", 1, 2), notLeading))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_LEADING));
        assertThat(server.serial()).isEqualTo(serial);
        assertPublished(DB, "A", "127.0.0.1", new Fence(1, 1));
    }

    @Test
    void aForeignTxtAtTheFenceNameIsAConfigurationErrorNamingIt() throws Exception {
        Update foreign = new Update(Name.fromString(ZONE));
        foreign.add(new TXTRecord(Name.fromString(AuthoritativeServer.fenceOf(DB)), DClass.IN, 60, "v=spf1 -all"));
        sendSigned(foreign);
        long serial = server.serial();

        assertThatThrownBy(() -> publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.1", 1, 1), new CountingGate()))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
                .hasMessageContaining("_baton-fence.db.ext.example.com.").hasMessageContaining("v=spf1 -all");
        assertThat(server.serial()).isEqualTo(serial);
    }

    @Test
    void theGateIsAskedOnlyToCoverTheSendingSinceTheServerChecksTheFence() throws Exception {
        // A 2 s request timeout could never fit a default lease (about 0.9 s): the prerequisite fences the
        // UPDATE at the server, so the lease need only be valid as it is sent.
        AtomicInteger millis = new AtomicInteger();
        publisher(DB, RecordType.A, server.key()).reconcile(intent("127.0.0.1", 1, 1),
                timeout -> millis.set((int) timeout.toMillis()));
        assertThat(millis.get()).isEqualTo((int) WriteGate.START_ONLY.toMillis());
    }

    // --- helpers ---

    Rfc2136Publisher publisher(String record, RecordType type, AuthoritativeServer.Key key) {
        return new Rfc2136Publisher(new Rfc2136Config(server.address(), ZONE, record, type, Duration.ofSeconds(5),
                Optional.of(key.toConfig())), TIMEOUT);
    }

    static Intent intent(String address, long term, long index) {
        return new Intent("db", Optional.of(new Placement("i-" + address, address, Optional.empty(), Optional.empty())),
                Optional.empty(), new Fence(term, index), "test", 0, Role.LEADER, false);
    }

    void assertPublished(String record, String type, String value, Fence fence) {
        assertThat(server.lookup(record, type)).as(record + " " + type).containsExactly(value);
        assertThat(server.lookup(AuthoritativeServer.fenceOf(record), "TXT")).as("fence of " + record)
                .containsExactly("\"" + fence.text() + "\"");
    }

    private void sendSigned(Update update) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        resolver.setTCP(true);
        resolver.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, Name.fromString(server.key().name()),
                java.util.Base64.getDecoder().decode(server.key().secretBase64())));
        Message response = resolver.send(update);
        assertThat(Rcode.string(response.getRcode())).isEqualTo("NOERROR");
    }

    /** A gate that is open, counts its calls, and runs {@code beforeEach} first (to interleave a rival write). */
    static final class CountingGate implements WriteGate {
        final AtomicInteger calls = new AtomicInteger();
        private final ThrowingRunnable beforeEach;

        CountingGate() {
            this(() -> { });
        }

        CountingGate(ThrowingRunnable beforeEach) {
            this.beforeEach = beforeEach;
        }

        @Override
        public void beforeWrite(Duration requestTimeout) {
            calls.incrementAndGet();
            try {
                beforeEach.run();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
