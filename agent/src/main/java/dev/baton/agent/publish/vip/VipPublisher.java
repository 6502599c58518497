package dev.baton.agent.publish.vip;

import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.WriteGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code vip}: keeps a virtual IP on a local interface exactly while {@link Intent#holdHere()} says this node
 * should answer for it, and takes it off otherwise. Every node runs one for itself ({@link Authority#EVERY_NODE}).
 * A node cut off from the majority gets {@code holdHere == false} within its lease and drops the address here,
 * unlike keepalived, which leaves it on a master that no longer hears its peers.
 *
 * <p>The address is added as {@code ip addr add A/P dev IF}: no {@code noprefixroute}, so a VIP outside the
 * interface's other subnets still gets its on-link route, exactly as an administrator's {@code ip addr add}
 * would; a VIP inside an existing subnet becomes a secondary address and adds no route. No label: labels are
 * IPv4-only and limited to 15 characters, and the address itself already says which one Baton manages.
 *
 * <p>After adding, neighbours are told ({@link NeighbourAnnouncer}): gratuitous ARP for IPv4, the kernel's
 * unsolicited neighbour advertisement for IPv6. {@link #close()} removes the address when this node holds it:
 * the agent stopping means this node no longer answers for it.
 */
public final class VipPublisher implements Publisher {
    /** A local read: cheap, and drift (an address removed by hand) must be repaired quickly. */
    public static final long RESYNC_MILLIS = 1_000;
    public static final String HELD = "held";
    public static final String NOT_HELD = "not held";
    private static final Logger log = LoggerFactory.getLogger(VipPublisher.class);

    private final VipConfig config;
    /** {@code 192.0.2.100/24}, {@code 2001:db8::1:0/64}: as iproute2 prints it. */
    private final String cidr;
    private final InterfaceAddresses addresses;
    private final NeighbourAnnouncer announcer;
    /** Added but not yet announced (arping missing or failed): retried, and reported, on every reconcile. */
    private boolean announcementPending;

    public VipPublisher(VipConfig config) {
        this(config, new ProcessCommandRunner());
    }

    public VipPublisher(VipConfig config, CommandRunner runner) {
        this.config = Objects.requireNonNull(config, "config");
        this.cidr = AddressText.cidr(config.address(), config.prefixLength());
        Objects.requireNonNull(runner, "runner");
        this.addresses = new InterfaceAddresses(runner, config.interfaceName());
        this.announcer = new NeighbourAnnouncer(runner, config);
    }

    @Override
    public String kind() {
        return config.kind();
    }

    /** {@code 192.0.2.100/24 on eth0}. */
    @Override
    public String target() {
        return cidr + " on " + config.interfaceName();
    }

    @Override
    public Authority authority() {
        return Authority.EVERY_NODE;
    }

    /**
     * Reads the interface's addresses; adds or deletes the VIP when that differs from {@code intent.holdHere()},
     * then confirms by reading again. Blocks for a few iproute2 commands (each at most 5 s); gratuitous ARP runs
     * in the background and a failure of it is reported by the next call.
     *
     * @throws PublishException CONFIGURATION when the interface is missing, CAP_NET_ADMIN is lacking or arping is
     *                          not installed (the address is still held then); TRANSIENT otherwise
     */
    @Override
    public synchronized Outcome reconcile(Intent intent, WriteGate gate) throws PublishException, InterruptedException {
        Optional<InterfaceAddresses.Held> held = addresses.find(config.address());
        return intent.holdHere() ? hold(held, gate) : release(held, gate);
    }

    private Outcome hold(Optional<InterfaceAddresses.Held> held, WriteGate gate)
            throws PublishException, InterruptedException {
        if (held.isPresent()) {
            if (held.get().dadFailed()) {
                // RFC 4862 5.4.5: another host answers for it; the kernel will not use it. Drop it so the next
                // call adds it afresh, once the other holder has let go.
                addresses.delete(held.get().cidr());
                throw new PublishException(PublishException.Kind.TRANSIENT, "duplicate address detection failed for "
                        + cidr + " on " + config.interfaceName() + ": another host on the link holds it; removed, will retry");
            }
            if (!held.get().linkUp()) {
                // No frame leaves a link that is down: an announcement now fails or is lost. Send one when it is back.
                announcer.cancel();
                announcementPending = true;
                return new Outcome(Outcome.Result.IN_SYNC, HELD, linkNote(held.get()));
            }
            Optional<String> failed = announcer.takeFailure();
            if (failed.isEmpty() && !announcementPending) return Outcome.inSync(HELD);
            announcementPending = true;
            announce();
            if (failed.isPresent()) {
                throw new PublishException(PublishException.Kind.TRANSIENT, cidr
                        + " is held but its last announcement failed (" + failed.get() + "); announcing again");
            }
            return new Outcome(Outcome.Result.WRITTEN, HELD, "announced");
        }
        announcer.prepare();
        gate.beforeWrite(InterfaceAddresses.COMMAND_TIMEOUT);
        addresses.add(cidr);
        Optional<InterfaceAddresses.Held> now = addresses.find(config.address());
        if (now.isEmpty()) {
            throw new PublishException(PublishException.Kind.TRANSIENT, "ip addr add " + cidr + " dev "
                    + config.interfaceName() + " succeeded but the address is not on the interface when read back");
        }
        announcementPending = true;
        if (now.get().linkUp()) announce();
        log.info("{} added to {}{}", cidr, config.interfaceName(),
                now.get().tentative() ? " (tentative until duplicate address detection completes)" : "");
        String detail = now.get().tentative() ? "tentative: duplicate address detection, about 1 s" : "";
        String link = linkNote(now.get());
        return new Outcome(Outcome.Result.WRITTEN, HELD, detail.isEmpty() ? link : link.isEmpty() ? detail : detail + "; " + link);
    }

    /** Held on a link that is down answers nobody: say so in status (the checks decide whether to move it). */
    private String linkNote(InterfaceAddresses.Held held) {
        return held.linkUp() ? "" : "interface " + config.interfaceName() + " is " + held.linkState();
    }

    private void announce() throws PublishException, InterruptedException {
        try {
            announcer.announce();
        } catch (PublishException e) {
            throw new PublishException(e.kind(), cidr + " is on " + config.interfaceName()
                    + " but was not announced: " + e.getMessage());
        }
        announcementPending = false;
    }

    private Outcome release(Optional<InterfaceAddresses.Held> held, WriteGate gate)
            throws PublishException, InterruptedException {
        announcer.cancel();
        announcementPending = false;
        if (held.isEmpty()) return Outcome.inSync(NOT_HELD);
        gate.beforeWrite(InterfaceAddresses.COMMAND_TIMEOUT);
        addresses.delete(held.get().cidr());
        if (addresses.find(config.address()).isPresent()) {
            throw new PublishException(PublishException.Kind.TRANSIENT, "ip addr del " + held.get().cidr() + " dev "
                    + config.interfaceName() + " succeeded but the address is still there when read back");
        }
        log.info("{} removed from {}", held.get().cidr(), config.interfaceName());
        return Outcome.written(NOT_HELD);
    }

    @Override
    public long resyncMillis() {
        return RESYNC_MILLIS;
    }

    /**
     * Removes the VIP when this node holds it, and stops a running announcement. Unlike external publishers a VIP
     * is undone here: a stopped agent no longer answers for the address, and another node takes it. Blocks up to
     * two iproute2 commands; failures are logged, not thrown. A crashed agent (SIGKILL) leaves the address; the
     * next agent start removes it with its first reconcile, while this node does not hold it.
     */
    @Override
    public synchronized void close() {
        announcer.cancel();
        try {
            Optional<InterfaceAddresses.Held> held = addresses.find(config.address());
            if (held.isPresent()) {
                addresses.delete(held.get().cidr());
                log.info("{} removed from {} on close", held.get().cidr(), config.interfaceName());
            }
        } catch (PublishException e) {
            log.warn("could not remove {} from {} on close: {}", cidr, config.interfaceName(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while removing {} from {} on close", cidr, config.interfaceName());
        }
    }

    @Override
    public String toString() {
        return "vip " + target();
    }
}
