package dev.baton.dist;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tarball that {@code mvn package} produced (system property {@code baton.tarball}, set by failsafe),
 * unpacked into a fresh directory with the system's {@code tar}, and run as an operator would: through its
 * {@code bin/baton}, with a {@code PATH} whose {@code mvn} fails loudly and leaves a marker, so that a launcher
 * that tried to build would be caught.
 */
final class UnpackedTarball {
    private final Path root;
    private final Path fakeBin;

    private UnpackedTarball(Path root, Path fakeBin) {
        this.root = root;
        this.fakeBin = fakeBin;
    }

    static UnpackedTarball into(Path dir) throws IOException, InterruptedException {
        String property = System.getProperty("baton.tarball");
        assertThat(property).as("system property baton.tarball (set by the dist pom's failsafe configuration)").isNotBlank();
        Path tarball = Path.of(property);
        assertThat(tarball).as("the tarball `mvn package` makes; run `mvn -B verify` (or package first)").isRegularFile();
        Path unpack = Files.createDirectories(dir.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpack.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).as("tar finished").isTrue();
        assertThat(tar.exitValue()).as("tar -xzf: " + out).isZero();
        Path root = unpack.resolve("baton-" + System.getProperty("baton.version"));
        assertThat(root).as("the tarball's single top directory").isDirectory();
        Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + fakeBin.resolve("mvn-was-called") + "'\necho 'mvn must not be called' >&2\nexit 97\n");
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
        return new UnpackedTarball(root, fakeBin);
    }

    Path root() {
        return root;
    }

    Path file(String relative) {
        return root.resolve(relative);
    }

    /** Whether anything ran {@code mvn} from this directory's processes so far. */
    boolean mavenWasCalled() {
        return Files.exists(fakeBin.resolve("mvn-was-called"));
    }

    /** {@code bin/baton args...} in the unpacked directory, with {@code env} added; output where the caller says. */
    ProcessBuilder launcher(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/baton").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("PATH", fakeBin + ":" + System.getenv("PATH"));
        pb.environment().remove("BATON_JAVA_OPTS");
        // Only a Java runtime: this test's own, named the way an operator would (JAVA_HOME).
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs {@code bin/baton args...} to completion (bounded) and returns its exit code and combined output. */
    Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process p = launcher(env, args).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bin/baton " + String.join(" ", args) + " finished").isTrue();
            return new Result(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    record Result(int exitCode, String output) { }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
