package dev.baton.agent.publish.rfc2136;

import dev.baton.agent.publish.Fence;
import java.net.Inet6Address;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * What one read of the primary found: the record's RRset and the fence TXT record.
 *
 * @param values      the record's RRset (empty when absent)
 * @param fence       the fence it names, when the fence record exists
 * @param fenceRecord the fence TXT record as the server holds it: the exact RDATA a value-dependent
 *                    prerequisite must repeat (RFC 2136 section 2.4.2)
 */
record PublishedRecord(List<Record> values, Optional<Fence> fence, Optional<TXTRecord> fenceRecord) {
    static final String ABSENT = "absent";

    /** The value as read, for {@link dev.baton.agent.publish.Outcome#published()}: {@code 127.0.0.2}, or {@code absent}. */
    String published() {
        if (values.isEmpty()) return ABSENT;
        return values.stream().map(PublishedRecord::text).collect(Collectors.joining(", "));
    }

    /** A record's data as shown: dnsjava writes AAAA uncompressed, so compress it (RFC 5952 section 4). */
    static String text(Record value) {
        if (value instanceof AAAARecord aaaa && aaaa.getAddress() instanceof Inet6Address v6) return compressed(v6);
        return value.rdataToString();
    }

    /** RFC 5952 section 4.2: the longest run of two or more zero groups (the first on a tie) becomes "::". */
    static String compressed(Inet6Address address) {
        String[] groups = address.getHostAddress().replaceFirst("%.*$", "").split(":");
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) return String.join(":", groups);
        return String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    }

    /**
     * Whether the RRset is exactly {@code desired} (one record, same data and TTL), or absent when
     * {@code desired} is empty. dnsjava's {@link Record#equals} compares name, type, class and data, not TTL.
     */
    boolean holds(Optional<Record> desired) {
        if (desired.isEmpty()) return values.isEmpty();
        return values.size() == 1 && values.get(0).equals(desired.get())
                && values.get(0).getTTL() == desired.get().getTTL();
    }

    /** Whether the record is {@code desired} and the fence is {@code fence}: nothing to write. */
    boolean matches(Optional<Record> desired, Fence fence) {
        return holds(desired) && this.fence.equals(Optional.of(fence));
    }
}
