package dev.baton.election.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Appends per second of {@link FileStorage} for 1 KiB entries, one per batch and 32 per batch (each batch
 * is one write and one fsync). Bounded to {@value #APPENDS} entries per run. Not a test: run it by hand,
 * e.g. {@code java -cp election/target/classes:election/target/test-classes
 * dev.baton.election.storage.FileStorageBench [directory]}; the directory (default: a temporary one) should
 * be on the disk the node will use, since the fsync latency of that disk is what is measured.
 */
public final class FileStorageBench {

    private static final int APPENDS = 2000;
    private static final int ENTRY_BYTES = 1024;

    private FileStorageBench() {
    }

    public static void main(String[] args) throws IOException {
        Path base = args.length > 0 ? Files.createTempDirectory(Path.of(args[0]), "bench")
                : Files.createTempDirectory("baton-storage-bench");
        try {
            run(base.resolve("single"), 1);
            run(base.resolve("batched"), 32);
        } finally {
            try (Stream<Path> files = Files.walk(base)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void run(Path dir, int batchSize) {
        byte[] data = new byte[ENTRY_BYTES];
        try (FileStorage storage = new FileStorage(dir)) {
            storage.load();
            long start = System.nanoTime();
            long index = 1;
            while (index <= APPENDS) {
                List<LogEntry> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize && index <= APPENDS; i++, index++) {
                    batch.add(new LogEntry(index, 1, LogEntry.Kind.DATA, data));
                }
                storage.append(batch);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int batches = (APPENDS + batchSize - 1) / batchSize;
            System.out.printf("batch %2d: %d entries of %d B in %.2f s: %,.0f entries/s, %,.0f fsyncs/s%n",
                    batchSize, APPENDS, ENTRY_BYTES, seconds, APPENDS / seconds, batches / seconds);
        }
    }
}
