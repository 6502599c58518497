package dev.baton.agent.publish.vip;

import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The VIP publisher against the real kernel: three network namespaces on one bridge (nodes n1, n2 and a client),
 * real iproute2 and arping run inside them. Needs root; fails (does not skip) when a tool is missing.
 */
class VipPublisherNetNsTest {
    private static final int PORT = 8080;
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static NetNsLab lab;

    @BeforeAll
    static void lab() throws Exception {
        NetNsLab.requireTools("ip", "arping", "tcpdump", "sysctl");
        lab = NetNsLab.create("n1", "n2", "client");
        for (String node : List.of("n1", "n2")) {
            OutputLines server = OutputLines.of(lab.startJava(node, NodeNameServer.class, node, "" + PORT, "120").getInputStream(), node);
            await().atMost(BOUND).until(() -> server.any("listening"::equals));
        }
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) lab.close();
    }

    @Test
    void theHolderIsReachableAndAMoveIsAnnouncedByGratuitousArpTheClientDidNotAskFor() throws Exception {
        InetAddress vip = lab.spareIpv4(0);
        VipConfig config = new VipConfig(vip, NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
        try (VipPublisher n1 = publisher("n1", config); VipPublisher n2 = publisher("n2", config)) {
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.written("held"));
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("held"));
            assertThat(n2.reconcile(intent(false), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("not held"));
            assertThat(addressesOf("n1")).contains(" " + config.cidr() + " ");

            Process prober = startProber(vip);
            OutputLines probes = OutputLines.of(prober.getInputStream(), "prober");
            await().atMost(BOUND).until(() -> probes.any(l -> l.endsWith(" ok n1")));
            prober.destroy();
            prober.waitFor();
            // The client now has an entry for the VIP pointing at n1, and sends nothing more to it.
            assertThat(neighbourMac("client", vip)).contains(lab.mac("n1"));

            Process tcpdump = lab.startProcess("client", List.of("tcpdump", "-n", "-e", "-l", "-i", NetNsLab.INTERFACE, "arp"));
            OutputLines capture = OutputLines.of(tcpdump.getInputStream(), "tcpdump");
            OutputLines tcpdumpErr = OutputLines.of(tcpdump.getErrorStream(), "tcpdump-err");
            await().atMost(BOUND).until(() -> tcpdumpErr.any(l -> l.startsWith("listening on")));

            assertThat(n1.reconcile(intent(false), WriteGate.LOCAL)).isEqualTo(Outcome.written("not held"));
            assertThat(addressesOf("n1")).doesNotContain(" " + config.cidr() + " ");
            assertThat(n2.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.written("held"));
            assertThat(n1.reconcile(intent(false), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("not held"));

            String n2Mac = lab.mac("n2");
            await().atMost(BOUND).until(() -> neighbourMac("client", vip).equals(Optional.of(n2Mac)));
            String v = AddressText.of(vip);
            // RFC 5227 ARP announcement from n2's MAC: sender and target protocol address both the VIP.
            await().atMost(BOUND).until(() -> capture.any(l -> l.contains(n2Mac + " > ff:ff:ff:ff:ff:ff")
                    && l.contains("Request who-has " + v + " ") && l.contains("tell " + v + ",")));
            tcpdump.destroy();
            tcpdump.waitFor();
            // ... and the client never asked who has the VIP: its entry changed by the announcement alone.
            String clientMac = lab.mac("client");
            assertThat(capture.snapshot()).noneMatch(l -> l.contains(clientMac + " >") && l.contains("who-has " + v + " "));

            Process again = startProber(vip);
            OutputLines after = OutputLines.of(again.getInputStream(), "prober2");
            await().atMost(BOUND).until(() -> after.any(l -> l.endsWith(" ok n2")));
            again.destroy();
        }
    }

    @Test
    void driftIsRepairedInBothDirections() throws Exception {
        InetAddress vip = lab.spareIpv4(1);
        VipConfig config = new VipConfig(vip, NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
        try (VipPublisher n1 = publisher("n1", config); VipPublisher n2 = publisher("n2", config)) {
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.written("held"));
            lab.execOk("n1", "ip", "addr", "del", config.cidr(), "dev", NetNsLab.INTERFACE);
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.written("held"));
            assertThat(addressesOf("n1")).contains(" " + config.cidr() + " ");

            // Someone adds it by hand where it does not belong, even with another prefix length: taken off.
            lab.execOk("n2", "ip", "addr", "add", vip.getHostAddress() + "/32", "dev", NetNsLab.INTERFACE);
            assertThat(n2.reconcile(intent(false), WriteGate.LOCAL)).isEqualTo(Outcome.written("not held"));
            assertThat(addressesOf("n2")).doesNotContain(vip.getHostAddress() + "/");
            assertThat(n1.resyncMillis()).isLessThanOrEqualTo(1_000);
        }
    }

    @Test
    void aVipHeldOnALinkThatIsDownSaysSoInStatusAndIsAnnouncedWhenTheLinkIsBack() throws Exception {
        VipConfig config = new VipConfig(lab.spareIpv4(6), NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
        try (VipPublisher n1 = publisher("n1", config)) {
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.written("held"));
            lab.setLinkUp("n1", false);
            try {
                Outcome outcome = n1.reconcile(intent(true), WriteGate.LOCAL);
                assertThat(outcome.result()).isEqualTo(Outcome.Result.IN_SYNC);
                assertThat(outcome.detail()).isEqualTo("interface eth0 is DOWN");
            } finally {
                lab.setLinkUp("n1", true);
            }
            Process tcpdump = lab.startProcess("client", List.of("tcpdump", "-n", "-e", "-l", "-i", NetNsLab.INTERFACE, "arp"));
            OutputLines capture = OutputLines.of(tcpdump.getInputStream(), "tcpdump-link");
            OutputLines tcpdumpErr = OutputLines.of(tcpdump.getErrorStream(), "tcpdump-link-err");
            await().atMost(BOUND).until(() -> tcpdumpErr.any(l -> l.startsWith("listening on")));
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(new Outcome(Outcome.Result.WRITTEN, "held", "announced"));
            String v = AddressText.of(config.address());
            String n1Mac = lab.mac("n1");
            await().atMost(BOUND).until(() -> capture.any(l -> l.contains(n1Mac + " > ff:ff:ff:ff:ff:ff")
                    && l.contains("Request who-has " + v + " ") && l.contains("tell " + v + ",")));
            tcpdump.destroy();
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("held"));
        }
    }

    @Test
    void closeRemovesTheAddressThisNodeHolds() throws Exception {
        VipConfig config = new VipConfig(lab.spareIpv4(2), NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
        VipPublisher n1 = publisher("n1", config);
        assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.written("held"));
        n1.close();
        assertThat(addressesOf("n1")).doesNotContain(" " + config.cidr() + " ");
    }

    @Test
    void aMissingInterfaceIsAConfigurationErrorNamingIt() {
        VipConfig config = new VipConfig(lab.spareIpv4(3), NetNsLab.PREFIX_V4, "nosuch0");
        try (VipPublisher n1 = publisher("n1", config)) {
            assertThatThrownBy(() -> n1.reconcile(intent(true), WriteGate.LOCAL))
                    .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(PublishException.Kind.CONFIGURATION))
                    .hasMessageContaining("interface nosuch0 does not exist on this node")
                    .hasMessageContaining("ip -j addr show dev nosuch0 failed (exit 1): Device \"nosuch0\" does not exist.");
        }
    }

    @Test
    void withoutArpingTheAddressIsHeldButTheErrorNamesThePackageUntilAnAnnouncementIsSent() throws Exception {
        VipConfig config = new VipConfig(lab.spareIpv4(4), NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
        MissingArping runner = new MissingArping(new NetNsCommandRunner(lab.namespace("n1")));
        try (VipPublisher n1 = new VipPublisher(config, runner)) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> n1.reconcile(intent(true), WriteGate.LOCAL))
                        .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(PublishException.Kind.CONFIGURATION))
                        .hasMessageContaining(config.cidr() + " is on eth0 but was not announced")
                        .hasMessageContaining("arping is not installed")
                        .hasMessageContaining("install Debian package 'arping'");
                assertThat(addressesOf("n1")).contains(" " + config.cidr() + " ");
            }
            runner.installed = true;
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(new Outcome(Outcome.Result.WRITTEN, "held", "announced"));
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("held"));
        }
    }

    @Test
    void aFailedAnnouncementIsReportedByTheNextReconcileAndSentAgain() throws Exception {
        VipConfig config = new VipConfig(lab.spareIpv4(5), NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
        FailingArping runner = new FailingArping(new NetNsCommandRunner(lab.namespace("n1")));
        try (VipPublisher n1 = new VipPublisher(config, runner)) {
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.written("held"));
            runner.lastStarted.waitFor();
            runner.failing = false;
            assertThatThrownBy(() -> n1.reconcile(intent(true), WriteGate.LOCAL))
                    .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT))
                    .hasMessage(config.cidr() + " is held but its last announcement failed (arping exited 1: "
                            + "arping: libnet_init(LIBNET_LINK, eth0): Operation not permitted); announcing again");
            runner.lastStarted.waitFor(); // the real arping, this time
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("held"));
        }
    }

    /** arping's announcement fails as Habets' does without CAP_NET_RAW, while {@code failing}; all else is real. */
    private static final class FailingArping implements CommandRunner {
        private final CommandRunner real;
        volatile boolean failing = true;
        volatile Process lastStarted;

        FailingArping(CommandRunner real) {
            this.real = real;
        }

        @Override
        public CommandResult run(List<String> command, Duration timeout) throws IOException, InterruptedException {
            return real.run(command, timeout);
        }

        @Override
        public Process start(List<String> command) throws IOException {
            lastStarted = failing && command.get(0).equals("arping")
                    ? real.start(List.of("sh", "-c", "echo 'arping: libnet_init(LIBNET_LINK, eth0): Operation not permitted' >&2; exit 1"))
                    : real.start(command);
            return lastStarted;
        }
    }

    /** arping absent from PATH, as {@link ProcessBuilder} reports it; every other command runs for real. */
    private static final class MissingArping implements CommandRunner {
        private final CommandRunner real;
        volatile boolean installed;

        MissingArping(CommandRunner real) {
            this.real = real;
        }

        @Override
        public CommandResult run(List<String> command, Duration timeout) throws IOException, InterruptedException {
            missing(command);
            return real.run(command, timeout);
        }

        @Override
        public Process start(List<String> command) throws IOException {
            missing(command);
            return real.start(command);
        }

        private void missing(List<String> command) throws IOException {
            if (!installed && command.get(0).equals("arping")) {
                throw new IOException("Cannot run program \"arping\": error=2, No such file or directory");
            }
        }
    }

    @Test
    void anIpv6VipIsAnnouncedByTheKernelsUnsolicitedNeighbourAdvertisement() throws Exception {
        InetAddress vip = lab.spareIpv6(0);
        VipConfig config = new VipConfig(vip, NetNsLab.PREFIX_V6, NetNsLab.INTERFACE);
        try (VipPublisher n1 = publisher("n1", config); VipPublisher n2 = publisher("n2", config)) {
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL).result()).isEqualTo(Outcome.Result.WRITTEN);
            assertThat(lab.execOk("n1", "sysctl", "-n", "net.ipv6.conf.eth0.ndisc_notify").strip()).isEqualTo("1");
            Process prober = startProber(vip);
            OutputLines probes = OutputLines.of(prober.getInputStream(), "prober6");
            await().atMost(BOUND).until(() -> probes.any(l -> l.endsWith(" ok n1")));
            prober.destroy();
            prober.waitFor();
            assertThat(neighbourMac("client", vip)).contains(lab.mac("n1"));

            Process tcpdump = lab.startProcess("client", List.of("tcpdump", "-n", "-e", "-l", "-i", NetNsLab.INTERFACE, "icmp6"));
            OutputLines capture = OutputLines.of(tcpdump.getInputStream(), "tcpdump6");
            OutputLines tcpdumpErr = OutputLines.of(tcpdump.getErrorStream(), "tcpdump6-err");
            await().atMost(BOUND).until(() -> tcpdumpErr.any(l -> l.startsWith("listening on")));

            assertThat(n1.reconcile(intent(false), WriteGate.LOCAL)).isEqualTo(Outcome.written("not held"));
            Outcome added = n2.reconcile(intent(true), WriteGate.LOCAL);
            assertThat(added.result()).isEqualTo(Outcome.Result.WRITTEN);
            assertThat(added.detail()).contains("tentative");

            String n2Mac = lab.mac("n2");
            await().atMost(BOUND).until(() -> neighbourMac("client", vip).equals(Optional.of(n2Mac)));
            String v = AddressText.of(vip);
            // The kernel's unsolicited advertisement to all-nodes (ff02::1) after duplicate address detection.
            await().atMost(BOUND).until(() -> capture.any(l -> l.contains(n2Mac + " > 33:33:00:00:00:01")
                    && l.contains("neighbor advertisement, tgt is " + v + ",")));
            tcpdump.destroy();
            tcpdump.waitFor();
            String clientMac = lab.mac("client");
            assertThat(capture.snapshot()).noneMatch(l -> l.contains(clientMac + " >") && l.contains("who has " + v));
            assertThat(n2.reconcile(intent(true), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("held"));
        }
    }

    @Test
    void anIpv6VipStillHeldElsewhereFailsDuplicateAddressDetectionAndIsNotKept() throws Exception {
        InetAddress vip = lab.spareIpv6(1);
        String cidr = AddressText.cidr(vip, NetNsLab.PREFIX_V6);
        VipConfig config = new VipConfig(vip, NetNsLab.PREFIX_V6, NetNsLab.INTERFACE);
        lab.execOk("n2", "ip", "addr", "add", cidr, "dev", NetNsLab.INTERFACE, "nodad"); // a holder that never let go
        try (VipPublisher n1 = publisher("n1", config)) {
            assertThat(n1.reconcile(intent(true), WriteGate.LOCAL).detail()).contains("tentative");
            await().atMost(BOUND).until(() -> addressesOf("n1").contains(" " + cidr + " ") && addressesOf("n1").contains("dadfailed"));
            assertThatThrownBy(() -> n1.reconcile(intent(true), WriteGate.LOCAL))
                    .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT))
                    .hasMessageContaining("duplicate address detection failed for " + cidr + " on eth0");
            assertThat(addressesOf("n1")).doesNotContain(" " + cidr + " ");
        } finally {
            lab.execOk("n2", "ip", "addr", "del", cidr, "dev", NetNsLab.INTERFACE);
        }
    }

    private static VipPublisher publisher(String node, VipConfig config) {
        return new VipPublisher(config, new NetNsCommandRunner(lab.namespace(node)));
    }

    private static Intent intent(boolean holdHere) {
        return new Intent("web", Optional.empty(), Optional.empty(), new Fence(1, 1), "test", 0,
                holdHere ? Role.LEADER : Role.FOLLOWER, holdHere);
    }

    private static Process startProber(InetAddress vip) throws IOException {
        return lab.startJava("client", TcpProber.class, vip.getHostAddress(), "" + PORT, "50", "500", "60");
    }

    private static String addressesOf(String node) throws Exception {
        return lab.execOk(node, "ip", "-o", "addr", "show", "dev", NetNsLab.INTERFACE).replace('\\', ' ');
    }

    private static final Pattern LLADDR = Pattern.compile("lladdr (\\S+)");

    private static Optional<String> neighbourMac(String host, InetAddress address) throws Exception {
        String out = lab.execOk(host, "ip", "neigh", "show", "to", address.getHostAddress(), "dev", NetNsLab.INTERFACE);
        Matcher m = LLADDR.matcher(out);
        return m.find() ? Optional.of(m.group(1).toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
    }
}
