package dev.baton.agent.publish.rfc2136;

import dev.baton.agent.publish.Fence;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
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
        return values.stream().map(Record::rdataToString).collect(Collectors.joining(", "));
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
