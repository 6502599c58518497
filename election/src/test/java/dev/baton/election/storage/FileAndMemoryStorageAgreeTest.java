package dev.baton.election.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives {@link FileStorage} and {@link MemoryStorage} with the same seeded random operations (valid ones
 * and, now and then, ones the protocol must never make) and restarts: both must accept or refuse the same
 * calls and load the same state. This is what lets the simulator's verdicts hold for the real node.
 */
class FileAndMemoryStorageAgreeTest {

    private static final int OPERATIONS = 120;

    @TempDir
    Path tmp;

    private FileStorage file;
    private MemoryStorage memory;
    private final List<String> history = new ArrayList<>();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void sameOperationsGiveTheSameDurableState(long seed) {
        Random random = new Random(seed);
        Path dir = tmp.resolve("node");
        file = new FileStorage(dir);
        memory = new MemoryStorage();
        try {
            assertThat(file.load()).isEqualTo(memory.load());
            for (int i = 0; i < OPERATIONS; i++) step(random, dir, seed);
            restart(dir, seed);
        } finally {
            file.close();
        }
    }

    private void step(Random random, Path dir, long seed) {
        int choice = random.nextInt(10);
        if (choice == 0) {
            long term = Math.max(0, memory.term() + random.nextInt(3) - (random.nextInt(8) == 0 ? 2 : 0));
            int promise = random.nextInt(5) - 1;
            both("saveTerm(" + term + ", " + promise + ")", s -> s.saveTerm(term, promise), seed);
        } else if (choice <= 4) {
            long from = memory.lastIndex() + 1 + (random.nextInt(10) == 0 ? random.nextInt(3) - 1 : 0);
            long term = Math.max(1, memory.term());
            List<LogEntry> batch = new ArrayList<>();
            for (int n = 1 + random.nextInt(3), k = 0; k < n; k++) {
                byte[] data = new byte[random.nextInt(40)];
                random.nextBytes(data);
                LogEntry.Kind kind = random.nextInt(5) == 0 ? LogEntry.Kind.NOOP : LogEntry.Kind.DATA;
                batch.add(new LogEntry(Math.max(1, from + k), term, kind, data));
            }
            both("append(" + batch + ")", s -> s.append(batch), seed);
        } else if (choice <= 6) {
            long index = 1 + random.nextInt((int) memory.lastIndex() + 2);
            both("truncateFrom(" + index + ")", s -> s.truncateFrom(index), seed);
        } else if (choice == 7) {
            long base = memory.snapshot().index();
            long index = Math.max(0, base + random.nextInt((int) (memory.lastIndex() - base) + 3)
                    - (random.nextInt(10) == 0 ? 2 : 0));
            long known = termAt(index);
            long term = known >= 0 && random.nextInt(4) != 0 ? known : 1 + random.nextInt(3);
            Snapshot snapshot = new Snapshot(index, term, new byte[] {(byte) index});
            both("saveSnapshot(" + snapshot + ")", s -> s.saveSnapshot(snapshot), seed);
        } else {
            restart(dir, seed);
        }
    }

    private long termAt(long index) {
        if (index == memory.snapshot().index()) return memory.snapshot().term();
        for (LogEntry e : memory.entries()) if (e.index() == index) return e.term();
        return -1;
    }

    private void both(String operation, Consumer<Storage> action, long seed) {
        history.add(operation);
        Class<?> fileOutcome = outcome(file, action);
        Class<?> memoryOutcome = outcome(memory, action);
        assertThat(fileOutcome).as("seed %d, outcome of the last of %s", seed, recent()).isEqualTo(memoryOutcome);
    }

    /** The last operations, enough to see what went wrong without flooding the report. */
    private List<String> recent() {
        return history.subList(Math.max(0, history.size() - 20), history.size());
    }

    private static Class<?> outcome(Storage storage, Consumer<Storage> action) {
        try {
            action.accept(storage);
            return null;
        } catch (IllegalStateException | IllegalArgumentException e) {
            return e.getClass();
        }
    }

    private void restart(Path dir, long seed) {
        history.add("restart");
        file.close();
        file = new FileStorage(dir);
        memory = memory.reopen();
        assertThat(file.load()).as("seed %d, state after %s", seed, recent()).isEqualTo(memory.load());
    }
}
