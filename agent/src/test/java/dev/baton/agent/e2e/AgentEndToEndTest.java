package dev.baton.agent.e2e;

import static dev.baton.agent.e2e.AgentCluster.BACKUP;
import static dev.baton.agent.e2e.AgentCluster.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.cli.BatonCli;
import dev.baton.agent.demo.DemoNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The acceptance list, against three real agent processes ({@code baton agent}, node 3 a witness) and
 * two real web servers on 127.0.0.1 (instance a, the primary) and 127.0.0.2 (b). One cluster serves five
 * services, each a scenario's subject:
 * <ul>
 *   <li>{@code imm}, {@code hold}, {@code man}: HTTP checks of both instances, failback {@code immediate},
 *   {@code after 2s} and {@code manual};</li>
 *   <li>{@code quo} ({@code vantage: quorum}) and {@code lead} ({@code vantage: leader}): instance a's check is
 *   an exec of {@code test ! -e <dir>/cut-<node>}, a different file on each node, so one node alone can be
 *   "cut off" from a; b's check is a TCP connect to b.</li>
 * </ul>
 * The scenarios run in order on the same cluster (starting three JVMs is the expensive part); each first
 * waits for the state it starts from. Waits are bounded generously; no assertion is on elapsed time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration CHANGE = Duration.ofSeconds(20);
    /** How long "nothing changes" is watched for. */
    private static final long HOLD_MILLIS = 4_000;
    private static final List<String> HTTP_SERVICES = List.of("imm", "hold", "man");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;

    private AgentCluster cluster;

    @BeforeAll
    void startCluster(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        cluster = AgentCluster.write(dir, AgentEndToEndTest::services);
        // Only a at first, so every service's first decision is a, whatever order the checks come up in.
        cluster.primary().start();
        cluster.startAll();
        for (String service : List.of("imm", "hold", "man", "quo", "lead")) {
            awaitEveryNodeAnswers(service, PRIMARY, SETTLE);
        }
        cluster.backup().start();
        awaitBackupSeenUpEverywhere();
    }

    @AfterAll
    void stopCluster() throws IOException {
        if (cluster == null) return;
        cluster.closeKeepingLogs(getClass());
    }

    private static String services(int node, int port, Path dir) {
        String http = "{http: \"http://{address}:" + port + "/health\", interval: 200ms, timeout: 200ms, rise: 2, fall: 2}";
        String cut = "{exec: [\"test\", \"!\", \"-e\", \"" + dir.resolve("cut-" + node) + "\"],"
                + " interval: 250ms, timeout: 250ms, rise: 2, fall: 2}";
        String instances = """
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1}
                      - {name: b, address: 127.0.0.2, priority: 2%s}
                """;
        String tcpB = ", check: {tcp: \"127.0.0.2:" + port + "\"}";
        return "services:\n"
                + "  - name: imm\n    failback: immediate\n    check: " + http + "\n" + instances.formatted("")
                + "  - name: hold\n    failback: after 2s\n    check: " + http + "\n" + instances.formatted("")
                + "  - name: man\n    failback: manual\n    check: " + http + "\n" + instances.formatted("")
                + "  - name: quo\n    vantage: quorum\n    check: " + cut + "\n" + instances.formatted(tcpB)
                + "  - name: lead\n    vantage: leader\n    check: " + cut + "\n" + instances.formatted(tcpB);
    }

    @Test
    @Order(1)
    void leaderCutOffFromThePrimaryAloneFailsOverOnlyUnderVantageLeader() throws Exception {
        for (String service : List.of("quo", "lead")) awaitEveryNodeAnswers(service, PRIMARY, SETTLE);
        int leader = awaitSettledLeader();
        Map<Integer, String> quoDecisions = decisions("quo");

        Path marker = Files.createFile(dir.resolve("cut-" + leader));
        try (AnswerWatch quo = new AnswerWatch(cluster, "quo", allNodes())) {
            // The contrast first: the leader's check alone decides "lead", so it fails over ...
            awaitEveryNodeAnswers("lead", BACKUP, CHANGE);
            // quo's check of a runs on its own schedule (jittered), so it may reach "fall" a moment after lead's.
            awaitLocalCheck(leader, "quo", "a", "down");
            // ... while "quo" must stay on a: one node of three seeing a down is not a quorum.
            sleep(HOLD_MILLIS);
            quo.close();
            assertThat(quo.answers()).as("quo answers while the leader alone sees a down")
                    .containsOnlyKeys(allNodes())
                    // No failover: never b. A node applying the other service's decisions may answer SERVFAIL
                    // for a moment if its callback thread is starved past the heartbeat grace (see
                    // ElectionNode.isCurrent); resolvers then ask another node. Rare, never an address but a.
                    .allSatisfy((node, answers) -> {
                        assertThat(answers).containsKey(PRIMARY).doesNotContainKey(BACKUP);
                        assertThat(answers.keySet()).isSubsetOf(PRIMARY, "SERVFAIL");
                        assertThat(answers.getOrDefault("SERVFAIL", 0)).isLessThanOrEqualTo(answers.get(PRIMARY) / 20);
                    });
        }
        assertThat(localCheck(leader, "quo", "a")).isEqualTo("down");
        assertThat(decisions("quo")).as("quo's last decision on every node").isEqualTo(quoDecisions);
        assertThat(cluster.service(leader, "lead").orElseThrow().path("reason").asText()).contains("a is down");

        Files.delete(marker);
        awaitEveryNodeAnswers("lead", PRIMARY, CHANGE);
    }

    @Test
    @Order(2)
    void primaryKilledEveryNodeAnswersTheBackup() {
        for (String service : HTTP_SERVICES) awaitEveryNodeAnswers(service, PRIMARY, SETTLE);
        awaitBackupSeenUpEverywhere();

        cluster.primary().stop();

        for (String service : HTTP_SERVICES) awaitEveryNodeAnswers(service, BACKUP, CHANGE);
        for (int node : allNodes()) {
            for (String service : HTTP_SERVICES) {
                JsonNode svc = cluster.service(node, service).orElseThrow();
                assertThat(svc.path("active").asText()).isEqualTo("b");
                assertThat(svc.path("address").asText()).isEqualTo(BACKUP);
                assertThat(svc.path("reason").asText()).as(service + " on node " + node).startsWith("a is down");
            }
        }
    }

    @Test
    @Order(3)
    void primaryBackFailsBackPerPolicy() throws Exception {
        for (String service : HTTP_SERVICES) awaitEveryNodeAnswers(service, BACKUP, SETTLE);
        Map<Integer, String> manualDecisions = decisions("man");
        int leader = awaitSettledLeader();

        cluster.primary().start();

        // immediate: back as soon as the verdict says a is up; at that moment "after 2s" is still holding down.
        JsonNode atImmediate = await().atMost(CHANGE).pollInterval(Duration.ofMillis(20))
                .until(() -> cluster.status(leader).orElse(null),
                        s -> s != null && "a".equals(AgentCluster.service(s, "imm").orElseThrow().path("active").asText()));
        assertThat(AgentCluster.service(atImmediate, "hold").orElseThrow().path("active").asText())
                .as("hold when imm failed back").isEqualTo("b");
        awaitEveryNodeAnswers("imm", PRIMARY, CHANGE);

        // after 2s: back only once a has been up for the hold-down, as the decision's reason records.
        awaitEveryNodeAnswers("hold", PRIMARY, CHANGE);
        String holdReason = cluster.service(leader, "hold").orElseThrow().path("reason").asText();
        assertThat(holdReason).contains("failing back (after 2s)");
        Matcher upFor = Pattern.compile("a is up \\(\\d/3 nodes\\), up for (\\d+)(ms|s)").matcher(holdReason);
        assertThat(upFor.find()).as(holdReason).isTrue();
        long upMillis = Long.parseLong(upFor.group(1)) * (upFor.group(2).equals("s") ? 1000 : 1);
        assertThat(upMillis).as("how long a had been up when hold failed back").isGreaterThanOrEqualTo(2000);

        // manual: stays on b although a is up everywhere.
        try (AnswerWatch man = new AnswerWatch(cluster, "man", allNodes())) {
            sleep(HOLD_MILLIS);
            man.close();
            assertThat(man.answers()).containsOnlyKeys(allNodes())
                    .allSatisfy((node, answers) -> assertThat(answers).containsOnlyKeys(BACKUP));
        }
        for (int node : allNodes()) awaitLocalCheck(node, "man", "a", "up");
        assertThat(decisions("man")).as("man's last decision on every node").isEqualTo(manualDecisions);
    }

    @Test
    @Order(4)
    void statusCommandPrintsLeaderTermActiveInstanceAndEveryNodesVerdict() throws Exception {
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
        awaitEveryNodeAnswers("man", BACKUP, SETTLE);
        int leader = awaitSettledLeader();
        int follower = 2;
        long term = cluster.status(leader).orElseThrow().path("term").asLong();

        for (int node : List.of(leader, follower)) {
            String api = "http://127.0.0.1:" + cluster.node(node).apiPort();
            Run human = run("status", "--api", api);
            assertThat(human.exitCode()).as(human.err()).isZero();
            String role = node == leader ? "leader" : "follower";
            assertThat(human.out()).startsWith(String.format("cluster e2e, node %d: %s, term %d, leader node %d, current%n",
                    node, role, term, leader));
            assertThat(human.out()).contains("service imm (imm.e2e.baton.test.): active a (127.0.0.1)")
                    .contains("service man (man.e2e.baton.test.): active b (127.0.0.2)");
            // man's decision (the failover) was made on the evidence of every node: a down on a majority.
            String man = human.out().substring(human.out().indexOf("service man"));
            man = man.substring(0, man.indexOf("service", 1));
            assertThat(man).containsPattern("decided in term \\d+ at \\S+: a is down");
            for (int n : allNodes()) assertThat(man).containsPattern("  node " + n + " saw: a (up|down), b up");
            assertThat(man).contains("  this node sees: a up, b up");

            Run json = run("status", "--api", "127.0.0.1:" + cluster.node(node).apiPort(), "--json");
            assertThat(json.exitCode()).as(json.err()).isZero();
            JsonNode doc = JSON.readTree(json.out());
            assertThat(doc.path("node").asInt()).isEqualTo(node);
            assertThat(doc.path("leader").asInt()).isEqualTo(leader);
            assertThat(doc.path("term").asLong()).isEqualTo(term);
            JsonNode manJson = AgentCluster.service(doc, "man").orElseThrow();
            assertThat(manJson.path("active").asText()).isEqualTo("b");
            List<String> reporters = new ArrayList<>();
            List<String> sawDown = new ArrayList<>();
            manJson.path("verdicts").fields().forEachRemaining(e -> {
                reporters.add(e.getKey());
                if ("down".equals(e.getValue().path("a").asText())) sawDown.add(e.getKey());
            });
            assertThat(reporters).containsExactly("1", "2", "3");
            assertThat(sawDown).as("nodes that saw a down when man failed over").hasSizeGreaterThanOrEqualTo(2);
            assertThat(AgentCluster.service(doc, "imm").orElseThrow().path("active").asText()).isEqualTo("a");
        }
    }

    @Test
    @Order(5)
    void leaderKilledWhileThePrimaryIsHealthyTheSurvivorsAnswersNeverChange() throws Exception {
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
        awaitEveryNodeAnswers("man", BACKUP, SETTLE);
        int leader = awaitSettledLeader();
        List<Integer> survivors = allNodes().stream().filter(n -> n != leader).toList();

        try (AnswerWatch imm = new AnswerWatch(cluster, "imm", survivors);
             AnswerWatch man = new AnswerWatch(cluster, "man", survivors)) {
            await().atMost(CHANGE).until(() -> imm.queries() > 0 && man.queries() > 0);
            cluster.node(leader).kill();
            sleep(HOLD_MILLIS);
            imm.close();
            man.close();
            assertThat(imm.answers()).as("imm answers of the survivors after the leader died")
                    .containsOnlyKeys(survivors)
                    // No failover: never b. A node applying the other service's decisions may answer SERVFAIL
                    // for a moment if its callback thread is starved past the heartbeat grace (see
                    // ElectionNode.isCurrent); resolvers then ask another node. Rare, never an address but a.
                    .allSatisfy((node, answers) -> {
                        assertThat(answers).containsKey(PRIMARY).doesNotContainKey(BACKUP);
                        assertThat(answers.keySet()).isSubsetOf(PRIMARY, "SERVFAIL");
                        assertThat(answers.getOrDefault("SERVFAIL", 0)).isLessThanOrEqualTo(answers.get(PRIMARY) / 20);
                    });
            assertThat(man.answers()).as("man answers of the survivors after the leader died")
                    .containsOnlyKeys(survivors)
                    .allSatisfy((node, answers) -> assertThat(answers).containsOnlyKeys(BACKUP));
        }
        int newLeader = awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);

        cluster.node(leader).start();
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
        awaitEveryNodeAnswers("man", BACKUP, SETTLE);
    }

    @Test
    @Order(6)
    void aFollowerResumedFromAPauseNeverAnswersWhatChangedWhileItSlept() throws Exception {
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
        awaitBackupSeenUpEverywhere();
        awaitSettledLeader(); // node 1: node 2 is a follower
        int sleeper = 2;
        List<Integer> others = List.of(1, 3);
        long pausedAt = System.nanoTime();
        cluster.signal(sleeper, "STOP");
        boolean resumed = false;
        try {
            // The others are a majority: they fail imm over to b while node 2 sleeps, its table still saying a.
            cluster.primary().stop();
            awaitAnswers("imm", BACKUP, others, CHANGE);
            // A pause longer than the follower timeout: everything node 2 heard before it is stale.
            long slept = (System.nanoTime() - pausedAt) / 1_000_000;
            if (slept < 2_500) sleep(2_500 - slept);
            try (AnswerWatch watch = new AnswerWatch(cluster, "imm", List.of(sleeper))) {
                cluster.signal(sleeper, "CONT");
                resumed = true;
                awaitAnswers("imm", BACKUP, List.of(sleeper), CHANGE);
                watch.close();
                assertThat(watch.answers().getOrDefault(sleeper, Map.of()).keySet())
                        .as("node 2's imm answers from its resume on; first seen " + watch.firstSeen())
                        .contains(BACKUP)
                        .doesNotContain(PRIMARY)
                        .isSubsetOf(BACKUP, "SERVFAIL", "timeout");
            }
        } finally {
            if (!resumed) cluster.signal(sleeper, "CONT");
            cluster.primary().start();
        }
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE); // failback: immediate
    }

    @Test
    @Order(7)
    void aNodeCutOffFromTheMajorityAnswersServfailUntilItIsBack() throws Exception {
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
        int alone = 1;
        List<Integer> silenced = List.of(2, 3); // frozen: to node 1 they are as gone as behind a partition
        for (int n : silenced) cluster.signal(n, "STOP");
        try {
            await("node 1 alone answers SERVFAIL").atMost(CHANGE).pollInterval(Duration.ofMillis(50))
                    .until(() -> "SERVFAIL".equals(cluster.answer(alone, "imm")));
            try (AnswerWatch watch = new AnswerWatch(cluster, "imm", List.of(alone))) {
                sleep(2_000);
                watch.close();
                assertThat(watch.answers().get(alone)).as("node 1's imm answers while cut off").containsOnlyKeys("SERVFAIL");
            }
            assertThat(cluster.status(alone).orElseThrow().path("current").asBoolean()).isFalse();
        } finally {
            for (int n : silenced) cluster.signal(n, "CONT");
        }
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
    }

    @Test
    @Order(8)
    void wholeClusterKilledAndRestartedNeverAnswersAnOlderDecision() throws Exception {
        // man's last decision is b (a failover; failback is manual), while a is healthy: a node that lost or
        // rolled back its decisions would publish a again, since "no active instance" picks the best one.
        awaitEveryNodeAnswers("man", BACKUP, SETTLE);
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
        for (DemoNode n : cluster.nodes()) n.kill();
        Map<Integer, Long> logLinesBefore = new java.util.TreeMap<>();
        for (DemoNode n : cluster.nodes()) logLinesBefore.put(n.id(), lineCount(n.logFile()));

        List<AnswerWatch> watches = new ArrayList<>();
        try {
            // Node 1 alone has no majority: it must not publish anything.
            AnswerWatch alone = watch(1);
            watches.add(alone);
            cluster.node(1).start();
            await().atMost(SETTLE).until(() -> cluster.status(1).isPresent());
            sleep(2_000);
            // A status request can time out on a loaded machine: ask again rather than fail.
            JsonNode aloneStatus = await().atMost(SETTLE).until(() -> cluster.status(1), Optional::isPresent).get();
            assertThat(aloneStatus.path("current").asBoolean()).as("node 1 alone is current").isFalse();
            Map<String, Integer> aloneAnswers = alone.answers().getOrDefault(1, Map.of());
            assertThat(aloneAnswers.keySet()).as("node 1's answers while alone; first seen " + alone.firstSeen()).noneMatch(AgentEndToEndTest::isAddress);

            // A majority (1 and the witness 3): the last decision, b.
            watches.add(watch(3));
            cluster.node(3).start();
            awaitAnswers("man", BACKUP, List.of(1, 3), SETTLE);

            watches.add(watch(2));
            cluster.node(2).start();
            awaitEveryNodeAnswers("man", BACKUP, SETTLE);
        } finally {
            for (AnswerWatch w : watches) w.close();
        }
        for (AnswerWatch w : watches) {
            w.answers().forEach((node, answers) -> assertThat(answers.keySet())
                    .as("man answers of node " + node + " since its restart; first seen " + w.firstSeen())
                    .contains(BACKUP)
                    .isSubsetOf(BACKUP, "SERVFAIL", "REFUSED", "timeout"));
        }
        assertThat(decisions("man").values()).allSatisfy(d -> assertThat(d).startsWith("b "));
        awaitEveryNodeAnswers("imm", PRIMARY, SETTLE);
        // Every service had an active instance before the restart: a leader deciding from the recovered state
        // never finds "no active instance". Seeing it means it decided before it had replayed the log.
        for (DemoNode n : cluster.nodes()) {
            try (var lines = Files.lines(n.logFile())) {
                assertThat(lines.skip(logLinesBefore.get(n.id())).filter(l -> l.contains("DecisionMaker - deciding"))
                        .toList()).as("decisions node " + n.id() + " made after the restart")
                        .noneMatch(l -> l.contains("no active instance"));
            }
        }
    }

    private static long lineCount(Path file) throws IOException {
        if (!Files.exists(file)) return 0;
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private AnswerWatch watch(int node) {
        return new AnswerWatch(cluster, "man", List.of(node));
    }

    // ---- helpers ----

    private static List<Integer> allNodes() {
        return IntStream.rangeClosed(1, AgentCluster.SIZE).boxed().toList();
    }

    private void awaitEveryNodeAnswers(String service, String address, Duration atMost) {
        awaitAnswers(service, address, allNodes(), atMost);
    }

    private void awaitAnswers(String service, String address, List<Integer> nodes, Duration atMost) {
        await(service + " answered " + address + " by nodes " + nodes).atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().allMatch(n -> address.equals(cluster.answer(n, service))));
    }

    /** Every node's checks see b up, for every service: b is a candidate everywhere. */
    private void awaitBackupSeenUpEverywhere() {
        await("every node sees b up").atMost(SETTLE).pollInterval(Duration.ofMillis(100)).until(() -> allNodes().stream()
                .allMatch(n -> cluster.status(n).map(s -> {
                    for (JsonNode svc : s.path("services")) {
                        if (!"up".equals(svc.path("local_checks").path("b").asText())) return false;
                    }
                    return true;
                }).orElse(false)));
    }

    private int awaitLeader() {
        return await("a leader").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.leader().orElse(0), id -> id != 0);
    }

    /**
     * With every node up, node 1 (the lowest id that may lead) leads once the hold-down has passed; until then
     * node 2 may lead and hand over at any moment, so a scenario that depends on who leads waits for this.
     */
    private int awaitSettledLeader() {
        await("node 1 leads, as every node sees it").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .until(() -> allNodes().stream().allMatch(n -> cluster.status(n)
                        .map(s -> s.path("leader").asInt() == 1 && s.path("current").asBoolean()).orElse(false)));
        return 1;
    }

    private void awaitLocalCheck(int node, String service, String instance, String state) {
        await("node " + node + "'s own check of " + service + "/" + instance + " is " + state).atMost(CHANGE)
                .pollInterval(Duration.ofMillis(50)).until(() -> cluster.service(node, service)
                        .map(s -> s.path("local_checks").path(instance).asText()).orElse(""), state::equals);
    }

    private String localCheck(int node, String service, String instance) {
        return cluster.service(node, service).orElseThrow().path("local_checks").path(instance).asText();
    }

    /** Per node, the service's last decision as "instance term decided_at reason": equal means no new decision. */
    private Map<Integer, String> decisions(String service) {
        Map<Integer, String> out = new java.util.TreeMap<>();
        for (int node : allNodes()) {
            // A status request can time out on a loaded machine: ask again rather than fail.
            Optional<JsonNode> svc = await().atMost(SETTLE).until(() -> cluster.service(node, service), Optional::isPresent);
            JsonNode s = svc.get();
            out.put(node, s.path("active").asText() + " " + s.path("decided_term").asLong() + " "
                    + s.path("decided_at").asText() + " " + s.path("reason").asText());
        }
        return out;
    }

    private static boolean isAddress(String answer) {
        return !answer.isEmpty() && Character.isDigit(answer.charAt(0));
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis); // real processes: watching that nothing changes takes real time
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BatonCli.commandLine(System::getenv);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
