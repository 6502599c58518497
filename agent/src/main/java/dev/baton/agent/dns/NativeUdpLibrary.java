package dev.baton.agent.dns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads {@code libbatonudp.so} for {@link NativeUdp}: the build puts it in the jar at {@link #RESOURCE}; it is
 * copied to a private temporary directory (mode 0700, deleted when the JVM exits) and loaded from there, once.
 */
final class NativeUdpLibrary {

    /** Where the build puts the library, in target/classes and so in baton.jar. */
    static final String RESOURCE = "/dev/baton/agent/dns/native/linux-x86_64/libbatonudp.so";

    private static final String REASON = load();

    private NativeUdpLibrary() {
    }

    /** Null when {@link NativeUdp} can be used here, else why not (not Linux x86-64, not in the jar, not loadable). */
    static String availability() {
        return REASON;
    }

    private static String load() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "the native UDP library is built for Linux x86-64 only, not " + os + " " + arch;
        }
        Path library;
        try (InputStream in = NativeUdpLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return "the native UDP library is missing from the classpath (" + RESOURCE + ")";
            Path dir = Files.createTempDirectory("baton-native-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            library = dir.resolve("libbatonudp.so");
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
            // Deleted in reverse order of registration: the file, then its directory.
            dir.toFile().deleteOnExit();
            library.toFile().deleteOnExit();
        } catch (IOException | RuntimeException e) {
            return "extracting the native UDP library failed: " + e;
        }
        try {
            System.load(library.toAbsolutePath().toString());
            return null;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "loading the native UDP library failed: " + e.getMessage();
        }
    }
}
