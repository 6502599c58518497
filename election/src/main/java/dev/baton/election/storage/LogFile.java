package dev.baton.election.storage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The append-only log file of a {@link FileStorage}.
 *
 * <p>Layout: {@code [magic "BTLG":4][version:4]} then records
 * {@code [length:4][crc32c:4][index:8][term:8][kind:1][data]}, where {@code length} counts the bytes after
 * the CRC and the CRC covers the length and those bytes. The header is written atomically when the file is
 * created, so it is never torn. Keeps each entry's offset and term in memory so that truncation and
 * compaction need no scan.
 *
 * <p>Recovery rule: a crash during an append can leave the last batch partly written, and that batch was
 * never acknowledged (the fsync had not returned). So a bad record with nothing valid after it is a torn
 * tail: it is cut off. A bad record followed by a valid one cannot be a torn append: it is corruption, and
 * loading fails rather than silently dropping acknowledged entries.
 */
final class LogFile implements AutoCloseable {

    static final String FILE_NAME = "log";
    static final int MAGIC = 0x42544C47; // "BTLG"
    static final int HEADER_BYTES = 8;
    /** length and CRC in front of every record. */
    static final int FRAME_BYTES = 8;
    /** index, term and kind in every record. */
    static final int FIXED_PAYLOAD_BYTES = 17;
    /** Bounds the length field, so that a corrupt length cannot make the reader allocate gigabytes. */
    static final int MAX_ENTRY_BYTES = Storage.MAX_ENTRY_BYTES;

    private static final System.Logger LOG = System.getLogger(LogFile.class.getName());

    private final Path path;
    /** Null while the file does not exist (nothing was ever appended). */
    private FileChannel channel;
    private long endOffset;
    private long firstIndex;
    private int count;
    private long[] offsets = new long[64];
    private long[] terms = new long[64];

    LogFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Index of the first entry; meaningless when {@link #isEmpty()}. */
    long firstIndex() {
        return firstIndex;
    }

    /** Index of the last entry; meaningless when {@link #isEmpty()}. */
    long lastIndex() {
        return firstIndex + count - 1;
    }

    /** The term of the entry at {@code index}, or -1 if the log does not hold it. */
    long termAt(long index) {
        return count > 0 && index >= firstIndex && index <= lastIndex() ? terms[(int) (index - firstIndex)] : -1;
    }

    /** Reads and validates the file, cuts off a torn tail, and returns the entries in index order. */
    List<LogEntry> load() {
        DurableFiles.deleteLeftoverTmp(path);
        if (!Files.exists(path)) return List.of();
        byte[] bytes;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 64) {
                throw new StorageException(path + ": " + size + " bytes is too large to load; take a snapshot");
            }
            bytes = new byte[(int) size];
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                if (channel.read(buf, buf.position()) < 0) throw new IOException("file shrank while reading");
            }
        } catch (IOException e) {
            throw new StorageException(path + ": cannot read: " + e, e);
        }
        checkHeader(bytes);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        List<LogEntry> entries = new ArrayList<>();
        int pos = HEADER_BYTES;
        while (pos < bytes.length) {
            String problem = recordProblem(bytes, pos);
            if (problem != null) {
                long minIndex = count == 0 ? 1 : lastIndex() + 1;
                int next = findValidRecordAfter(bytes, pos, minIndex);
                if (next >= 0) {
                    throw new StorageException(path + ": record at offset " + pos + " " + problem
                            + " and is followed by a valid record at offset " + next + ": the log is corrupt");
                }
                cutTornTail(pos, bytes.length - pos, problem);
                break;
            }
            int length = buf.getInt(pos);
            long index = buf.getLong(pos + FRAME_BYTES);
            long term = buf.getLong(pos + FRAME_BYTES + 8);
            byte kindCode = buf.get(pos + FRAME_BYTES + 16);
            LogEntry.Kind kind;
            try {
                kind = LogEntry.Kind.ofCode(kindCode);
            } catch (IllegalArgumentException e) {
                throw new StorageException(path + ": record at offset " + pos + " has unknown kind " + kindCode
                        + " (written by a newer version?)");
            }
            if (term < 1 || index < 1) {
                throw new StorageException(path + ": record at offset " + pos + " has invalid index " + index
                        + " or term " + term + ": the log is corrupt");
            }
            if (count > 0 && index != lastIndex() + 1) {
                throw new StorageException(path + ": record at offset " + pos + " has index " + index
                        + " but follows index " + lastIndex() + ": the log is not contiguous");
            }
            int dataStart = pos + FRAME_BYTES + FIXED_PAYLOAD_BYTES;
            byte[] data = Arrays.copyOfRange(bytes, dataStart, pos + FRAME_BYTES + length);
            entries.add(new LogEntry(index, term, kind, data));
            remember(index, term, pos);
            pos += FRAME_BYTES + length;
        }
        endOffset = Math.min(pos, bytes.length);
        return entries;
    }

    /** Writes the records after the last one and forces them to disk; {@link StorageRules} checked them. */
    void append(List<LogEntry> entries) {
        if (entries.isEmpty()) return;
        int total = 0;
        for (LogEntry e : entries) {
            total = Math.addExact(total, FRAME_BYTES + FIXED_PAYLOAD_BYTES + e.data().length);
        }
        if (channel == null) create();
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (LogEntry e : entries) {
            int start = buf.position();
            int length = FIXED_PAYLOAD_BYTES + e.data().length;
            buf.putInt(length).putInt(0).putLong(e.index()).putLong(e.term()).put(e.kind().code).put(e.data());
            buf.putInt(start + 4, recordCrc(buf.array(), start, length));
        }
        buf.flip();
        try {
            long at = endOffset;
            while (buf.hasRemaining()) at += channel.write(buf, at);
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException(path + ": cannot append at offset " + endOffset + ": " + e, e);
        }
        long offset = endOffset;
        for (LogEntry e : entries) {
            if (count == 0) firstIndex = e.index();
            remember(e.index(), e.term(), offset);
            offset += FRAME_BYTES + FIXED_PAYLOAD_BYTES + e.data().length;
        }
        endOffset = offset;
    }

    /** Removes the entries with index {@code >= index} by truncating the file at the first one's offset. */
    void truncateFrom(long index) {
        if (count == 0 || index > lastIndex()) return;
        long keep = Math.max(0, index - firstIndex);
        long cut = keep == 0 ? HEADER_BYTES : offsets[(int) keep];
        try {
            channel.truncate(cut);
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException(path + ": cannot truncate at offset " + cut + ": " + e, e);
        }
        count = (int) keep;
        endOffset = cut;
    }

    /** Removes every entry. */
    void dropAll() {
        if (count == 0) return;
        truncateFrom(firstIndex);
    }

    /**
     * Removes the entries with index {@code <= index} (covered by a snapshot) by writing a new file with the
     * later records and renaming it over this one, so that a crash leaves either the old or the new log.
     */
    void dropThrough(long index) {
        if (count == 0 || index < firstIndex) return;
        if (index >= lastIndex()) {
            dropAll();
            return;
        }
        int dropped = (int) (index - firstIndex + 1);
        long from = offsets[dropped];
        Path tmp = DurableFiles.tmpOf(path);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = header();
            while (header.hasRemaining()) out.write(header);
            long copied = 0;
            while (copied < endOffset - from) {
                copied += channel.transferTo(from + copied, endOffset - from - copied, out);
            }
            out.force(true);
        } catch (IOException e) {
            throw new StorageException(tmp + ": cannot write the compacted log: " + e, e);
        }
        closeChannel();
        DurableFiles.moveAtomically(tmp, path);
        openChannel();
        long shift = from - HEADER_BYTES;
        count -= dropped;
        System.arraycopy(offsets, dropped, offsets, 0, count);
        System.arraycopy(terms, dropped, terms, 0, count);
        for (int i = 0; i < count; i++) offsets[i] -= shift;
        firstIndex = index + 1;
        endOffset -= shift;
    }

    @Override
    public void close() {
        closeChannel();
    }

    private void create() {
        DurableFiles.replaceAtomically(path, header());
        openChannel();
        endOffset = HEADER_BYTES;
    }

    private void openChannel() {
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException(path + ": cannot open: " + e, e);
        }
    }

    private void closeChannel() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // every write was already forced; nothing is lost by a failed close
        }
        channel = null;
    }

    private void remember(long index, long term, long offset) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            terms = Arrays.copyOf(terms, count * 2);
        }
        if (count == 0) firstIndex = index;
        offsets[count] = offset;
        terms[count] = term;
        count++;
    }

    private void cutTornTail(int offset, int bytes, String problem) {
        LOG.log(Level.WARNING, "{0}: discarding {1} bytes at offset {2}: the last record {3} "
                + "(an append torn by a crash; it was never acknowledged)", path, bytes, offset, problem);
        try {
            channel.truncate(offset);
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException(path + ": cannot cut the torn record at offset " + offset + ": " + e, e);
        }
    }

    private void checkHeader(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new StorageException(path + ": " + bytes.length + " bytes is shorter than the "
                    + HEADER_BYTES + "-byte header: the log is corrupt");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int magic = buf.getInt(0);
        int version = buf.getInt(4);
        if (magic != MAGIC) {
            throw new StorageException(path + ": bad magic number 0x" + Integer.toHexString(magic)
                    + ", not a log file");
        }
        if (version != DurableFiles.VERSION) {
            throw new StorageException(path + ": format version " + version + " is not supported (expected "
                    + DurableFiles.VERSION + ")");
        }
    }

    /** Why the record at {@code pos} is not valid, or null if it is. */
    private static String recordProblem(byte[] bytes, int pos) {
        int left = bytes.length - pos;
        if (left < FRAME_BYTES) return "is incomplete (" + left + " bytes of its header)";
        int length = ByteBuffer.wrap(bytes).getInt(pos);
        if (length < FIXED_PAYLOAD_BYTES || length > FIXED_PAYLOAD_BYTES + MAX_ENTRY_BYTES) {
            return "has an impossible length " + length;
        }
        if (length > left - FRAME_BYTES) {
            return "is incomplete (" + (left - FRAME_BYTES) + " of " + length + " bytes)";
        }
        if (ByteBuffer.wrap(bytes).getInt(pos + 4) != recordCrc(bytes, pos, length)) return "has bad checksum";
        return null;
    }

    /** The offset of the first valid record after {@code pos} with index {@code >= minIndex}, or -1. */
    private static int findValidRecordAfter(byte[] bytes, int pos, long minIndex) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        for (int q = pos + 1; q <= bytes.length - FRAME_BYTES - FIXED_PAYLOAD_BYTES; q++) {
            int length = buf.getInt(q);
            if (length < FIXED_PAYLOAD_BYTES || length > bytes.length - q - FRAME_BYTES) continue;
            long index = buf.getLong(q + FRAME_BYTES);
            long term = buf.getLong(q + FRAME_BYTES + 8);
            if (index < minIndex || term < 1) continue;
            if (recordProblem(bytes, q) == null) return q;
        }
        return -1;
    }

    private static int recordCrc(byte[] bytes, int start, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, start, 4);
        c.update(bytes, start + FRAME_BYTES, length);
        return (int) c.getValue();
    }

    private static ByteBuffer header() {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(DurableFiles.VERSION).flip();
    }
}
