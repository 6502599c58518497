package dev.baton.agent.runtime;

import dev.baton.agent.decision.Decision;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;

/**
 * The services each entry of this node's log touches, from when it is appended until it is applied: what a
 * node that is behind on applying needs to know to keep answering for the services its backlog does not
 * touch. Written on the election's callback thread, read by DNS threads.
 */
final class PendingEntries {
    /** Index → the services its entry decides; an entry that could not be read touches everything (null set). */
    private final ConcurrentNavigableMap<Long, Entry> entries = new ConcurrentSkipListMap<>();

    private record Entry(Set<String> services) {
        boolean touches(String service) {
            return services == null || services.contains(service);
        }
    }

    /** An entry reached the log at {@code index}; it replaces whatever was there (a new leader's entry). */
    void appended(long index, List<Decision> batch) {
        entries.put(index, new Entry(batch == null ? null
                : batch.stream().map(Decision::service).collect(Collectors.toUnmodifiableSet())));
    }

    /** Every entry up to {@code index} is applied (or restored from a snapshot). */
    void applied(long index) {
        entries.headMap(index, true).clear();
    }

    /**
     * Whether an entry in ({@code from}, {@code to}] touches {@code service}. The caller has checked that this
     * node has seen every entry up to {@code to}: indices missing here are the election's own no-ops.
     */
    boolean touches(String service, long from, long to) {
        return firstTouching(service, from, to) >= 0;
    }

    /** The lowest index in ({@code from}, {@code to}] whose entry touches {@code service}; -1 if none does. */
    long firstTouching(String service, long from, long to) {
        if (to <= from) return -1;
        for (Map.Entry<Long, Entry> e : entries.subMap(from, false, to, true).entrySet()) {
            if (e.getValue().touches(service)) return e.getKey();
        }
        return -1;
    }
}
