package dev.baton.election.storage;

/** The data directory could not be read or made durable. Fatal for the node: it must not go on acknowledging. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
