package dev.baton.election.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Small whole files (state, snapshot) replaced atomically, and the fsync helpers {@link FileStorage} needs.
 *
 * <p>Layout of a sealed file: {@code [magic:4][version:4][body][crc32c:4]}, the CRC covering everything
 * before it. A replacement is written to {@code name.tmp}, forced, renamed over {@code name} (rename(2) is
 * atomic), and then the directory is forced so that the rename itself survives a crash. A reader therefore
 * sees the old file or the new one, never a mix, and a bad CRC means real corruption, not a torn write.
 */
final class DurableFiles {

    static final int VERSION = 1;
    static final String TMP_SUFFIX = ".tmp";

    /** Windows cannot open a directory as a channel; there NTFS journals the rename itself. */
    private static final boolean CAN_FORCE_DIRECTORY =
            !System.getProperty("os.name", "").toLowerCase().startsWith("windows");

    private DurableFiles() {
    }

    static void writeSealed(Path file, int magic, ByteBuffer body) {
        ByteBuffer buf = ByteBuffer.allocate(8 + body.remaining() + 4);
        buf.putInt(magic).putInt(VERSION).put(body);
        buf.putInt(crc(buf.array(), 0, buf.position()));
        buf.flip();
        replaceAtomically(file, buf);
    }

    /** The body of a sealed file, or null if the file does not exist. */
    static ByteBuffer readSealed(Path file, int magic) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StorageException(file + ": cannot read: " + e, e);
        }
        if (bytes.length < 12) {
            throw new StorageException(file + ": " + bytes.length + " bytes is too short to be a valid file");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int foundMagic = buf.getInt();
        int version = buf.getInt();
        if (foundMagic != magic) {
            throw new StorageException(file + ": bad magic number 0x" + Integer.toHexString(foundMagic)
                    + ", not a file of this kind");
        }
        if (version != VERSION) {
            throw new StorageException(file + ": format version " + version + " is not supported (expected "
                    + VERSION + ")");
        }
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != crc(bytes, 0, bytes.length - 4)) {
            throw new StorageException(file + ": bad checksum: the file is corrupt");
        }
        return ByteBuffer.wrap(bytes, 8, bytes.length - 12).slice();
    }

    /** Writes {@code content} to {@code file.tmp}, forces it, renames it over {@code file}, forces the dir. */
    static void replaceAtomically(Path file, ByteBuffer content) {
        Path tmp = tmpOf(file);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) ch.write(content);
            ch.force(true);
        } catch (IOException e) {
            throw new StorageException(tmp + ": cannot write: " + e, e);
        }
        moveAtomically(tmp, file);
    }

    static void moveAtomically(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException(to + ": cannot rename " + from.getFileName() + " over it: " + e, e);
        }
        forceDirectory(to.toAbsolutePath().getParent());
    }

    /** Makes the directory's entries (created, renamed files) durable: fsync(2) on the directory. */
    static void forceDirectory(Path dir) {
        if (!CAN_FORCE_DIRECTORY) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new StorageException(dir + ": cannot fsync the directory: " + e, e);
        }
    }

    static Path tmpOf(Path file) {
        return file.resolveSibling(file.getFileName() + TMP_SUFFIX);
    }

    /** A leftover temporary file is a replacement that never happened (crash before the rename). */
    static void deleteLeftoverTmp(Path file) {
        try {
            Files.deleteIfExists(tmpOf(file));
        } catch (IOException e) {
            throw new StorageException(tmpOf(file) + ": cannot delete leftover temporary file: " + e, e);
        }
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, length);
        return (int) c.getValue();
    }
}
