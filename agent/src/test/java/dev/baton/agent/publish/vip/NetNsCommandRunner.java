package dev.baton.agent.publish.vip;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The production runner, with each command prefixed by {@code ip netns exec <ns>}: the only change tests make. */
public final class NetNsCommandRunner implements CommandRunner {
    private final ProcessCommandRunner delegate = new ProcessCommandRunner();
    private final String namespace;

    public NetNsCommandRunner(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public CommandResult run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        CommandResult result = delegate.run(prefixed(command), timeout);
        // Report the command as the publisher issued it, as production would show it.
        return new CommandResult(command, result.exitCode(), result.stdout(), result.stderr());
    }

    @Override
    public Process start(List<String> command) throws IOException {
        return delegate.start(prefixed(command));
    }

    private List<String> prefixed(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }
}
