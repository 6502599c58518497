package dev.baton.election.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared contract over real files, plus crash recovery, corruption detection and the directory lock. */
class FileStorageTest extends StorageContractTest {

    @TempDir
    Path tmp;

    private Path dataDir() {
        return tmp.resolve("node1");
    }

    private Path logFile() {
        return dataDir().resolve(FileStorage.LOG_FILE);
    }

    @Override
    protected Storage create() {
        return new FileStorage(dataDir());
    }

    @Override
    protected Storage reopen(Storage old) {
        old.close();
        return new FileStorage(dataDir());
    }

    /** Appends entries 1..count one batch each, closes, and returns the log size after each entry. */
    private long[] writeLog(int count) throws IOException {
        long[] sizes = new long[count + 1];
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            for (int i = 1; i <= count; i++) {
                s.append(entries(i, i, 1));
                sizes[i] = Files.size(logFile());
            }
        }
        sizes[0] = LogFile.HEADER_BYTES;
        return sizes;
    }

    private PersistentState loadFresh() {
        try (FileStorage s = new FileStorage(dataDir())) {
            return s.load();
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }

    @Test
    void garbageAfterTheLastRecordIsDiscarded() throws IOException {
        long[] sizes = writeLog(5);
        byte[] garbage = new byte[13];
        new Random(7).nextBytes(garbage);
        Files.write(logFile(), garbage, StandardOpenOption.APPEND);

        assertThat(loadFresh().entries()).containsExactlyElementsOf(entries(1, 5, 1));
        assertThat(Files.size(logFile())).as("the file is cut back to the last good record").isEqualTo(sizes[5]);
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.append(entries(6, 6, 2));
        }
        List<LogEntry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.add(entry(6, 2));
        assertThat(loadFresh().entries()).containsExactlyElementsOf(expected);
    }

    @Test
    void lastRecordCutInHalfIsDiscarded() throws IOException {
        long[] sizes = writeLog(5);
        try (FileChannel ch = FileChannel.open(logFile(), StandardOpenOption.WRITE)) {
            ch.truncate((sizes[4] + sizes[5]) / 2);
        }
        assertThat(loadFresh().entries()).containsExactlyElementsOf(entries(1, 4, 1));
        assertThat(Files.size(logFile())).isEqualTo(sizes[4]);
    }

    @Test
    void lastRecordWithAPartialFrameHeaderIsDiscarded() throws IOException {
        long[] sizes = writeLog(3);
        try (FileChannel ch = FileChannel.open(logFile(), StandardOpenOption.WRITE)) {
            ch.truncate(sizes[2] + 3);
        }
        assertThat(loadFresh().entries()).containsExactlyElementsOf(entries(1, 2, 1));
    }

    @Test
    void lastRecordWithBadChecksumIsDiscarded() throws IOException {
        long[] sizes = writeLog(4);
        flipByte(logFile(), sizes[4] - 2);
        assertThat(loadFresh().entries()).containsExactlyElementsOf(entries(1, 3, 1));
    }

    @Test
    void badRecordFollowedByValidOnesIsCorruption() throws IOException {
        long[] sizes = writeLog(5);
        long recordTwo = sizes[1];
        flipByte(logFile(), sizes[2] - 1);
        try (FileStorage s = new FileStorage(dataDir())) {
            assertThatThrownBy(s::load).isInstanceOf(StorageException.class)
                    .hasMessageContaining(logFile().toString())
                    .hasMessageContaining("record at offset " + recordTwo + " has bad checksum")
                    .hasMessageContaining("followed by a valid record at offset " + sizes[2])
                    .hasMessageContaining("the log is corrupt");
            assertThatThrownBy(() -> s.saveTerm(1, 1)).as("a failed load leaves the storage unusable")
                    .isInstanceOf(StorageException.class);
        }
        assertThat(Files.size(logFile())).as("nothing was cut off a corrupt log").isEqualTo(sizes[5]);
    }

    @Test
    void corruptLengthInTheMiddleIsCorruptionNotATornTail() throws IOException {
        long[] sizes = writeLog(5);
        // A huge length would make record 3 look like it runs past the end of the file.
        try (FileChannel ch = FileChannel.open(logFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).putInt(0, 1_000_000), sizes[2]);
        }
        assertThatThrownBy(this::loadFresh).isInstanceOf(StorageException.class)
                .hasMessageContaining("record at offset " + sizes[2]).hasMessageContaining("corrupt");
    }

    @Test
    void indexGapInsideTheLogIsReported() throws IOException {
        long[] sizes = writeLog(5);
        byte[] all = Files.readAllBytes(logFile());
        byte[] spliced = new byte[(int) (sizes[3] + sizes[5] - sizes[4])];
        System.arraycopy(all, 0, spliced, 0, (int) sizes[3]); // header and records 1..3
        System.arraycopy(all, (int) sizes[4], spliced, (int) sizes[3], (int) (sizes[5] - sizes[4])); // record 5
        Files.write(logFile(), spliced);
        assertThatThrownBy(this::loadFresh).isInstanceOf(StorageException.class)
                .hasMessageContaining(logFile().toString())
                .hasMessageContaining("has index 5 but follows index 3");
    }

    @Test
    void logWithoutItsHeaderIsRejected() throws IOException {
        Files.createDirectories(dataDir());
        Files.write(logFile(), "not a log at all".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(this::loadFresh).isInstanceOf(StorageException.class)
                .hasMessageContaining(logFile().toString()).hasMessageContaining("bad magic");
    }

    @Test
    void corruptStateFileIsReported() throws IOException {
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.saveTerm(12, 2);
        }
        Path state = dataDir().resolve(FileStorage.STATE_FILE);
        flipByte(state, 10);
        assertThatThrownBy(this::loadFresh).isInstanceOf(StorageException.class)
                .hasMessageContaining(state.toString()).hasMessageContaining("bad checksum");
    }

    /** A state file written before the recovery byte existed: {@code [term:8][promisedTo:4]}, sealed. */
    @Test
    void stateFileOfAnOlderVersionReadsAsNotRecovering() throws IOException {
        Files.createDirectories(dataDir());
        ByteBuffer body = ByteBuffer.allocate(12).putLong(9).putInt(3).flip();
        DurableFiles.writeSealed(dataDir().resolve(FileStorage.STATE_FILE), 0x42545354, body);
        PersistentState state = loadFresh();
        assertThat(state.fresh()).isFalse();
        assertThat(state.term()).isEqualTo(9);
        assertThat(state.promisedTo()).isEqualTo(3);
        assertThat(state.recovery()).isEqualTo(RecoveryState.NONE);
    }

    @Test
    void unknownRecoveryStateIsCorruption() throws IOException {
        Files.createDirectories(dataDir());
        ByteBuffer body = ByteBuffer.allocate(13).putLong(9).putInt(3).put((byte) 7).flip();
        DurableFiles.writeSealed(dataDir().resolve(FileStorage.STATE_FILE), 0x42545354, body);
        assertThatThrownBy(this::loadFresh).isInstanceOf(StorageException.class)
                .hasMessageContaining("invalid term 9, promise 3 or recovery state");
    }

    @Test
    void forcingANewClusterMarksTheDirectoryAndKeepsTheLog() {
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.saveTerm(6, 1);
            s.saveRecovery(RecoveryState.AMNESIAC);
            s.append(entries(1, 4, 6));
        }
        FileStorage.SurvivingLog expected = new FileStorage.SurvivingLog(6, 4, 0, RecoveryState.AMNESIAC);
        assertThat(FileStorage.inspect(dataDir())).as("inspect changes nothing").isEqualTo(expected);
        assertThat(FileStorage.inspect(dataDir())).isEqualTo(expected);
        assertThat(FileStorage.forceNewCluster(dataDir())).isEqualTo(expected);
        PersistentState state = loadFresh();
        assertThat(state.recovery()).isEqualTo(RecoveryState.FORCED_NEW_CLUSTER);
        assertThat(state.term()).isEqualTo(6);
        assertThat(state.entries()).isEqualTo(entries(1, 4, 6));
    }

    @Test
    void forcingANewClusterFromAnEmptyLogIsRefused() {
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.saveTerm(6, 1);
        }
        assertThatThrownBy(() -> FileStorage.forceNewCluster(dataDir())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("empty log");
        assertThat(loadFresh().recovery()).isEqualTo(RecoveryState.NONE);
        assertThatThrownBy(() -> FileStorage.forceNewCluster(tmp.resolve("missing")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a data directory");
    }

    @Test
    void forcingANewClusterWhileTheNodeRunsIsRefused() {
        try (FileStorage running = new FileStorage(dataDir())) {
            running.load();
            running.append(entries(1, 2, 1));
            assertThatThrownBy(() -> FileStorage.forceNewCluster(dataDir())).isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot share one data directory");
        }
        assertThat(loadFresh().recovery()).isEqualTo(RecoveryState.NONE);
    }

    @Test
    void corruptSnapshotFileIsReported() throws IOException {
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.saveSnapshot(new Snapshot(3, 1, new byte[100]));
        }
        Path snapshot = dataDir().resolve(FileStorage.SNAPSHOT_FILE);
        flipByte(snapshot, 50);
        assertThatThrownBy(this::loadFresh).isInstanceOf(StorageException.class)
                .hasMessageContaining(snapshot.toString()).hasMessageContaining("bad checksum");
    }

    @Test
    void leftoverTemporaryFilesAreIgnoredAndRemoved() throws IOException {
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.saveTerm(2, 1);
            s.append(entries(1, 2, 2));
        }
        for (String name : List.of("state.tmp", "log.tmp", "snapshot.tmp")) {
            Files.write(dataDir().resolve(name), new byte[] {1, 2, 3});
        }
        PersistentState state = loadFresh();
        assertThat(state.term()).isEqualTo(2);
        assertThat(state.entries()).containsExactlyElementsOf(entries(1, 2, 2));
        assertThat(dataDir().resolve("log.tmp")).doesNotExist();
        assertThat(dataDir().resolve("state.tmp")).doesNotExist();
    }

    @Test
    void compactionCutShortByACrashIsFinishedOnLoad() throws IOException {
        writeLog(10);
        byte[] oldLog = Files.readAllBytes(logFile());
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.saveSnapshot(new Snapshot(6, 1, new byte[] {6}));
        }
        Files.write(logFile(), oldLog); // the crash hit after the snapshot's rename, before the log's
        PersistentState state = loadFresh();
        assertThat(state.snapshot()).isEqualTo(new Snapshot(6, 1, new byte[] {6}));
        assertThat(state.entries()).containsExactlyElementsOf(entries(7, 10, 1));
        assertThat(Files.size(logFile())).isLessThan(oldLog.length);
        assertThat(loadFresh().entries()).containsExactlyElementsOf(entries(7, 10, 1));
    }

    @Test
    void snapshotInstallCutShortByACrashDropsTheOldLogOnLoad() throws IOException {
        writeLog(10);
        byte[] oldLog = Files.readAllBytes(logFile());
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.saveSnapshot(new Snapshot(6, 3, new byte[] {6})); // another history: term 3 at index 6
        }
        Files.write(logFile(), oldLog);
        PersistentState state = loadFresh();
        assertThat(state.snapshot().index()).isEqualTo(6);
        assertThat(state.entries()).isEmpty();
    }

    @Test
    void logStartingAfterTheSnapshotIsAGap() throws IOException {
        Path other = tmp.resolve("other");
        try (FileStorage s = new FileStorage(other)) {
            s.load();
            s.append(entries(1, 10, 1));
            s.saveSnapshot(new Snapshot(5, 1, new byte[0])); // its log now holds 6..10
        }
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.append(entries(1, 10, 1));
            s.saveSnapshot(new Snapshot(3, 1, new byte[0]));
        }
        Files.copy(other.resolve(FileStorage.LOG_FILE), logFile(), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(this::loadFresh).isInstanceOf(StorageException.class)
                .hasMessageContaining(logFile().toString()).hasMessageContaining("entries 4..5 are missing");
    }

    @Test
    void megabyteEntryRoundTrips() {
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);
        LogEntry large = new LogEntry(2, 1, LogEntry.Kind.DATA, big);
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.append(List.of(entry(1, 1), large, entry(3, 1)));
        }
        assertThat(loadFresh().entries()).containsExactly(entry(1, 1), large, entry(3, 1));
        try (FileStorage s = new FileStorage(dataDir())) {
            s.load();
            s.truncateFrom(3);
        }
        assertThat(loadFresh().entries()).containsExactly(entry(1, 1), large);
    }

    @Test
    void secondStorageOnALockedDirectoryIsRefused() {
        try (FileStorage first = new FileStorage(dataDir())) {
            first.load();
            assertThatThrownBy(() -> new FileStorage(dataDir())).isInstanceOf(StorageException.class)
                    .hasMessageContaining(dataDir().resolve("lock").toString())
                    .hasMessageContaining("cannot share one data directory");
        }
        assertThat(loadFresh().fresh()).as("the lock is released by close").isTrue();
    }

    @Test
    void directoryLockedByAnotherProcessIsRefused() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), dataDir().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return "error: " + e;
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(line).isEqualTo(LockHolderMain.READY);
            assertThatThrownBy(() -> new FileStorage(dataDir())).isInstanceOf(StorageException.class)
                    .hasMessageContaining("locked by another process");
        } finally {
            child.getOutputStream().close(); // the child exits at the end of its stdin
            if (!child.waitFor(30, TimeUnit.SECONDS)) child.destroyForcibly();
        }
        assertThat(loadFresh().fresh()).as("the child's exit released the lock").isTrue();
    }

    @Test
    void missingDirectoryIsCreated() {
        Path deep = tmp.resolve("a/b/c");
        try (FileStorage s = new FileStorage(deep)) {
            assertThat(s.load().fresh()).isTrue();
        }
        assertThat(deep).isDirectory();
    }

    @Test
    void directoryThatIsAFileIsReported() throws IOException {
        Path file = tmp.resolve("plain");
        Files.write(file, new byte[] {1});
        assertThatThrownBy(() -> new FileStorage(file)).isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString());
    }
}
