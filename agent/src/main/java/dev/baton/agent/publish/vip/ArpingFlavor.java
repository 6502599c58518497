package dev.baton.agent.publish.vip;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The two {@code arping} programs Debian ships under one name, whose flags differ. Both send gratuitous ARP
 * requests (sender and target protocol address = the VIP, RFC 5227 section 3 "ARP Announcement"), which Linux
 * neighbours accept as an update of an existing entry even within {@code locktime}.
 */
enum ArpingFlavor {
    /**
     * Thomas Habets' arping (Debian package {@code arping}). {@code -U} alone keeps the interface's primary
     * address as the sender, so {@code -S VIP} makes it gratuitous; {@code -W} takes fractions of a second.
     * It exits 1 when nobody replies, which is normal for an announcement.
     */
    HABETS {
        @Override
        List<String> announce(String interfaceName, InetAddress address, int count, int intervalMillis) {
            String vip = AddressText.of(address);
            return List.of("arping", "-q", "-U", "-c", Integer.toString(count),
                    "-W", String.format(java.util.Locale.ROOT, "%.3f", intervalMillis / 1000.0),
                    "-i", interfaceName, "-S", vip, vip);
        }
    },
    /**
     * iputils' arping (Debian package {@code iputils-arping}): {@code -U} sets the sender to the target itself;
     * its interval is one second, not settable on older releases, so the later announcements come later.
     */
    IPUTILS {
        @Override
        List<String> announce(String interfaceName, InetAddress address, int count, int intervalMillis) {
            return List.of("arping", "-q", "-U", "-c", Integer.toString(count), "-I", interfaceName,
                    AddressText.of(address));
        }
    };

    /** The command that sends {@code count} announcements of {@code address} on {@code interfaceName}. */
    abstract List<String> announce(String interfaceName, InetAddress address, int count, int intervalMillis);

    /**
     * Recognises the flavor from what {@code arping --help} and {@code arping -V} printed (both streams), empty
     * when it is neither.
     */
    static Optional<ArpingFlavor> recognise(String helpAndVersionOutput) {
        if (helpAndVersionOutput.contains("Habets")) return Optional.of(HABETS);
        if (helpAndVersionOutput.contains("iputils")) return Optional.of(IPUTILS);
        return Optional.empty();
    }

    /**
     * Whether an announcement ended well: exit 0, or Habets' exit 1 ("no reply", normal for unsolicited ARP)
     * with nothing on standard error (its errors also exit 1, but say why there).
     */
    boolean succeeded(int exitCode, String stderr) {
        return exitCode == 0 || (exitCode == 1 && stderr.isBlank());
    }
}
