package dev.baton.agent.publish.vip;

import java.util.List;
import java.util.Objects;

/** How one command ended: its exit code and what it printed (each stream capped, see {@link ProcessCommandRunner}). */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public CommandResult {
        command = List.copyOf(command);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** {@code ip addr add 192.0.2.100/24 dev eth0 failed (exit 2): RTNETLINK answers: File exists}. */
    public String failure() {
        String why = stderr.strip().isEmpty() ? stdout.strip() : stderr.strip();
        return String.join(" ", command) + " failed (exit " + exitCode + ")" + (why.isEmpty() ? "" : ": " + why);
    }
}
