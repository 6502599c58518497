package dev.baton.agent.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.e2e.AgentCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real network faults between three real agents ({@link ChaosCluster}: a namespace per node, cluster links
 * through a WAN namespace with nftables cuts and a userspace delayer), while a client in its own namespace asks
 * every node's DNS every 50 ms. From the recorded answers ({@link AnswerChecker}): no round in which two nodes
 * answered different instances (outside the replication window right after an instance dies), a node cut off
 * from the majority answers only SERVFAIL once {@link #MINORITY_BOUND_MILLIS} has passed, no node answers a dead
 * instance past {@link #FAILOVER_BOUND_MILLIS}, and after healing every node holds at least every commit any
 * node had before (commit index and the same decision). Default timings (1 s follower timeout).
 *
 * <p>Needs root and network namespaces: where the machine does not allow them the suite is skipped with the
 * reason printed (issue 7 allows this one exception); a missing tool (nft, ip, curl) fails it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkChaosTest {
    /** The follower timeout plus a second: the isolated leader's lease ends within the follower timeout. */
    static final long MINORITY_BOUND_MILLIS = 2_000;
    /** Two failed checks at 200 ms, a quorum of verdicts, a commit: well under this, also across a cut link. */
    static final long FAILOVER_BOUND_MILLIS = 3_000;
    private static final long POLL_PAUSE_MILLIS = 50;
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private Path dir;
    private ChaosCluster cluster;
    private final List<String> figures = new ArrayList<>();
    /** A fault that runs on its own thread (the flapping link); stopped before the network heals. */
    private volatile Thread faultThread;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        String reason = namespacesUnavailable();
        if (reason != null) System.out.println("NetworkChaosTest skipped: " + reason);
        Assumptions.assumeTrue(reason == null, reason);
        dir = tempDir;
        cluster = ChaosCluster.start(dir);
    }

    @AfterAll
    void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
            AgentCluster.keepLogs(getClass(), cluster.logs());
        }
        if (!figures.isEmpty()) {
            System.out.println("| scenario | leader | SERVFAIL share during the fault | split rounds | heal → every node"
                    + " answers the same instance | term before → after |");
            System.out.println("|---|---|---|---|---|---|");
            figures.forEach(System.out::println);
        }
    }

    @Test
    @Order(1)
    void symmetricPartitionIsolatingTheLeader() throws Exception {
        run("leader isolated", leader -> cluster.cut(cluster.isolate(leader, true)), true, true, 6_000);
    }

    @Test
    @Order(2)
    void asymmetricPartitionTheLeaderHearsTheOthersTheyDoNotHearIt() throws Exception {
        run("leader unheard (asymmetric)", leader -> cluster.cut(cluster.isolate(leader, false)), true, true, 6_000);
    }

    @Test
    @Order(3)
    void oneCutLinkBetweenTwoFollowers() throws Exception {
        run("follower link cut", leader -> {
            int[] f = followers(leader);
            cluster.cut(cluster.cutLink(f[0], f[1]));
        }, false, true, 6_000);
    }

    @Test
    @Order(4)
    void aLinkFlappingEvery300Milliseconds() throws Exception {
        run("leader-follower link flapping 300 ms", leader -> {
            String[] rules = cluster.cutLink(leader, followers(leader)[0]);
            Thread flapper = new Thread(() -> {
                try {
                    for (int i = 0; i < 20 && !Thread.currentThread().isInterrupted(); i++) {
                        if (i % 2 == 0) cluster.cut(rules);
                        else cluster.cut();
                        Thread.sleep(300); // the fault's period, by definition
                    }
                    cluster.cut();
                } catch (IOException | InterruptedException e) {
                    // the scenario ended: it heals the network itself
                }
            }, "flapper");
            flapper.setDaemon(true);
            faultThread = flapper;
            flapper.start();
        }, false, true, 6_000);
    }

    @Test
    @Order(5)
    void twoHundredMillisecondsAndFivePercentLossOnEveryLink() throws Exception {
        // One-way 200 ± 100 ms (RTT ~400 ms), 5 % loss as stalls of 200 ms + RTT (TcpDelayRelay).
        run("200 ± 100 ms one-way, 5 % loss", leader -> cluster.delay(200, 100, 5, 600), false, false, 10_000);
    }

    interface Fault {
        void apply(int leader) throws IOException, InterruptedException;
    }

    private void run(String scenario, Fault fault, boolean leaderIsMinority, boolean killInstance, long faultMillis)
            throws Exception {
        int leader = awaitSteady();
        long termBefore = cluster.maxOf("term");
        ChaosCluster.Poll poll = cluster.poll(POLL_PAUSE_MILLIS);
        try {
            await("the client's first answers").atMost(SETTLE).until(() -> poll.answers().size() >= 15);
            long faultAt = System.currentTimeMillis();
            fault.apply(leader);
            long killedAt = -1;
            if (killInstance) {
                hold(faultAt + 2_000);
                killedAt = System.currentTimeMillis();
                cluster.setInstanceUp("a", false);
            }
            hold(faultAt + faultMillis);
            stopFaultThread();
            long committed = cluster.maxOf("commit_index");
            cluster.cut();
            cluster.delay(0, 0, 0, 0);
            long healedAt = System.currentTimeMillis();
            String expected = killInstance ? ChaosCluster.ADDRESS_B : ChaosCluster.ADDRESS_A;
            await("every node answers " + expected + " after healing").atMost(SETTLE)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> AnswerChecker.agreedAt(poll.answers(), 3, expected, healedAt) >= 0);
            // Nothing committed was lost: every node reaches every commit any node had before the heal, and
            // the same decision.
            await("every node holds commit " + committed + " and the same decision").atMost(SETTLE)
                    .pollInterval(Duration.ofMillis(200)).until(() -> sameDecisionEverywhere(committed));
            List<Answer> answers = poll.stop();
            long agreed = AnswerChecker.agreedAt(answers, 3, expected, healedAt);

            List<long[]> windows = killInstance ? List.<long[]>of(new long[] {killedAt, killedAt + FAILOVER_BOUND_MILLIS})
                    : List.of();
            List<String> split = AnswerChecker.splitRounds(answers, windows);
            figures.add("| %s | n%d | %.1f %% | %d | %d ms | %d → %d |".formatted(scenario, leader,
                    100 * AnswerChecker.servfailShare(answers, faultAt, healedAt), split.size(), agreed - healedAt,
                    termBefore, cluster.maxOf("term")));
            assertThat(split).as("%s: rounds in which two nodes answered different instances", scenario).isEmpty();
            if (leaderIsMinority) {
                assertThat(AnswerChecker.notServfail(answers, leader, faultAt + MINORITY_BOUND_MILLIS, healedAt))
                        .as("%s: answers of the cut-off leader n%d after %d ms", scenario, leader, MINORITY_BOUND_MILLIS)
                        .isEmpty();
            }
            if (killInstance) {
                assertThat(AnswerChecker.staleAnswers(answers, ChaosCluster.ADDRESS_A, killedAt, FAILOVER_BOUND_MILLIS))
                        .as("%s: answers naming the dead instance a more than %d ms after it died", scenario,
                                FAILOVER_BOUND_MILLIS).isEmpty();
            }
        } finally {
            stopFaultThread();
            poll.stop();
            cluster.cut();
            cluster.delay(0, 0, 0, 0);
            cluster.setInstanceUp("a", true);
        }
    }

    private void stopFaultThread() throws InterruptedException {
        Thread t = faultThread;
        faultThread = null;
        if (t != null) {
            t.interrupt();
            t.join(10_000);
        }
    }

    /** Waits until one node leads, every node follows it and answers instance a; returns the leader. */
    private int awaitSteady() {
        int[] leader = {0};
        await("a leader, followed by every node, every node on instance a").atMost(SETTLE)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    int l = 0;
                    for (int n = 1; n <= 3; n++) {
                        Optional<JsonNode> s = cluster.status(n);
                        if (s.isEmpty() || !"a".equals(s.get().path("services").path(0).path("active").asText())) return false;
                        if (!s.get().path("current").asBoolean()) return false;
                        int seen = s.get().path("leader").asInt();
                        if (seen == 0 || (l != 0 && seen != l)) return false;
                        l = seen;
                    }
                    leader[0] = l;
                    return true;
                });
        return leader[0];
    }

    private boolean sameDecisionEverywhere(long committed) throws IOException, InterruptedException {
        String decision = null;
        for (int n = 1; n <= 3; n++) {
            Optional<JsonNode> s = cluster.status(n);
            // applied_index counts decisions only; the commit index also counts a new leader's no-op.
            if (s.isEmpty() || s.get().path("commit_index").asLong() < committed) return false;
            JsonNode svc = s.get().path("services").path(0);
            String d = svc.path("active").asText() + "@" + svc.path("decided_term").asText();
            if (decision != null && !decision.equals(d)) return false;
            decision = d;
        }
        return true;
    }

    private static int[] followers(int leader) {
        int[] f = new int[2];
        int k = 0;
        for (int n = 1; n <= 3; n++) if (n != leader) f[k++] = n;
        return f;
    }

    /** Lets the fault last until {@code epochMillis}: real processes under a real fault, nothing is polled. */
    private static void hold(long epochMillis) throws InterruptedException {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) Thread.sleep(wait);
    }

    /** Why this machine cannot run the suite (not root, no network namespaces), or null if it can. */
    private static String namespacesUnavailable() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes()).strip();
            id.waitFor();
            if (!uid.equals("0")) return "network namespaces need root (uid " + uid + ")";
            String probe = "btnprobe" + ProcessHandle.current().pid();
            Process add = new ProcessBuilder("ip", "netns", "add", probe).redirectErrorStream(true).start();
            String out = new String(add.getInputStream().readAllBytes()).strip();
            if (add.waitFor() != 0) return "cannot create a network namespace: " + out;
            new ProcessBuilder("ip", "netns", "del", probe).start().waitFor();
            return null;
        } catch (IOException e) {
            return null; // ip itself is missing: ChaosCluster.start fails naming the package

        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
