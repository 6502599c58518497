package dev.baton.election.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code dir/lock}, held while a {@link FileStorage} uses the directory: two
 * processes appending to one log would interleave records and break every durability promise. The kernel
 * releases the lock when the process dies, so a crash never leaves a stale lock behind.
 */
final class DataDirLock implements AutoCloseable {

    static final String FILE_NAME = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException(file + ": cannot open the lock file: " + e, e);
        }
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw new StorageException(file + ": the data directory is locked by another process; "
                        + "two nodes cannot share one data directory");
            }
            return new DataDirLock(ch, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new StorageException(file + ": the data directory is already open in this process; "
                    + "two nodes cannot share one data directory", e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StorageException(file + ": cannot lock: " + e, e);
        } catch (StorageException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through this channel
        }
    }
}
