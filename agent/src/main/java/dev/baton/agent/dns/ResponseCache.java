package dev.baton.agent.dns;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The encoded responses of one {@link AnswerTable}, filled lazily by {@link DnsAnswerer}'s fast path: for a
 * {@linkplain PlainQuery plain query}, keyed by the lowercased QNAME, the qtype and the EDNS state. The bytes
 * are what dnsjava produced for the first such query; later queries copy them and patch ID, RD, CD and the
 * case of QNAME. The table is immutable, so its answers never go stale: a new decision brings a new table
 * with an empty cache.
 *
 * <p>Bounded: a fixed open-addressing array with short probe runs, and answers for names that do not exist
 * (which anyone can make up) are admitted only while the array is a quarter full, so a flood of random names
 * cannot crowd out the real ones. What is not admitted is still answered, by the full path.
 *
 * <p>Thread-safe and lock-free: slots are filled once with a compare-and-set and never change; lookups
 * allocate nothing.
 */
final class ResponseCache {

    private static final int MIN_SLOTS = 1024;
    private static final int MAX_SLOTS = 1 << 16;
    /** Slots per table node: about 3 qtypes x 3 EDNS states, with room to keep probe runs short. */
    private static final int SLOTS_PER_NODE = 32;
    private static final int MAX_PROBES = 8;

    /**
     * One cached response.
     *
     * @param lowerName QNAME in wire form with ASCII letters lowercased (DNS names compare case-insensitively
     *                  in ASCII only, RFC 4343 §3)
     * @param answer    the response while current (or under {@link WhenIsolated#SERVE_LAST}), unlimited size
     * @param servfail  the response while not current under {@link WhenIsolated#SERVFAIL}, or null when the
     *                  name's answer does not depend on decisions (apex, glue, outside the zone)
     * @param existing  false for NXDOMAIN-like answers, which the cache admits more sparingly
     * @param service   the service whose currentness gates {@code servfail}, or null for the zone as a whole
     */
    record Entry(byte[] lowerName, int qtype, int edns, int hash, byte[] answer, int answerRcode,
                 byte[] servfail, int servfailRcode, boolean existing, String service) {
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    private final AtomicInteger size = new AtomicInteger();

    ResponseCache(int nodes) {
        long wanted = Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, (long) nodes * SLOTS_PER_NODE));
        int capacity = Integer.highestOneBit((int) wanted - 1) << 1;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /** The hash of a key as {@link #find} and {@link Entry#hash} use it; case-insensitive. */
    static int hash(byte[] wire, int nameOffset, int nameLength, int qtype, int edns) {
        int h = qtype * 31 + edns;
        for (int i = nameOffset, end = nameOffset + nameLength; i < end; i++) h = h * 31 + lower(wire[i]);
        return h ^ (h >>> 16);
    }

    /** The entry for this question, or null. */
    Entry find(byte[] wire, int nameOffset, int nameLength, int qtype, int edns, int hash) {
        for (int probe = 0; probe < MAX_PROBES; probe++) {
            Entry e = slots.get((hash + probe) & mask);
            if (e == null) return null;
            if (e.hash == hash && e.qtype == qtype && e.edns == edns && sameName(e.lowerName, wire, nameOffset, nameLength)) {
                return e;
            }
        }
        return null;
    }

    /** Stores the entry if there is room; another thread may have stored an equal one first. */
    void offer(Entry entry) {
        int limit = entry.existing ? slots.length() / 4 * 3 : slots.length() / 4;
        if (size.get() >= limit) return;
        for (int probe = 0; probe < MAX_PROBES; probe++) {
            int slot = (entry.hash + probe) & mask;
            if (slots.compareAndSet(slot, null, entry)) {
                size.incrementAndGet();
                return;
            }
            Entry other = slots.get(slot);
            if (other.hash == entry.hash && other.qtype == entry.qtype && other.edns == entry.edns
                    && sameName(other.lowerName, entry.lowerName, 0, entry.lowerName.length)) {
                return;
            }
        }
    }

    /** Entries stored so far. */
    int size() {
        return size.get();
    }

    static byte[] lowerName(byte[] wire, int nameOffset, int nameLength) {
        byte[] name = new byte[nameLength];
        for (int i = 0; i < nameLength; i++) name[i] = lower(wire[nameOffset + i]);
        return name;
    }

    private static boolean sameName(byte[] lowerName, byte[] wire, int nameOffset, int nameLength) {
        if (lowerName.length != nameLength) return false;
        for (int i = 0; i < nameLength; i++) {
            if (lowerName[i] != lower(wire[nameOffset + i])) return false;
        }
        return true;
    }

    /** Label length bytes are at most 63, below 'A', so lowercasing the whole wire name is safe. */
    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }
}
