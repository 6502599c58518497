package dev.baton.election.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Child process for {@link FileStorageTest}: holds a data directory's lock until its stdin ends. */
public final class LockHolderMain {

    static final String READY = "locked";

    private LockHolderMain() {
    }

    public static void main(String[] args) throws IOException {
        try (FileStorage storage = new FileStorage(Path.of(args[0]))) {
            storage.load();
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
