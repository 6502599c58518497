package dev.baton.agent.publish.vip;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address as iproute2, tcpdump and people write it: IPv6 in the RFC 5952 section 4 form (lower case, the
 * longest run of two or more zero groups, the first such run on a tie, as {@code ::}), not Java's
 * {@code 2001:db8:0:0:0:0:1:0}.
 */
final class AddressText {
    private AddressText() {
    }

    static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) return address.getHostAddress();
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') text.append(':');
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** {@code address/prefixLength}. */
    static String cidr(InetAddress address, int prefixLength) {
        return of(address) + "/" + prefixLength;
    }
}
