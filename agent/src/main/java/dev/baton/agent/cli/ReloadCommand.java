package dev.baton.agent.cli;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.runtime.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton reload --config F}: validates the file, then sends SIGHUP to the agent running on the file's
 * data directory (its {@code baton.pid}), which re-reads it. Needs no API and no token: whoever may signal the
 * agent's process may reload it. The agent logs what it applied, or that a change needs a restart, and shows
 * it as {@code last_reload} in its status.
 */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        description = "Makes the local agent re-read its config file (SIGHUP): services, checks, TTL and logging"
                + " apply without a restart; cluster membership, timings and listen addresses are refused.")
final class ReloadCommand implements Callable<Integer> {
    @Mixin
    ConfigArgument config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<BatonConfig> valid = config.load();
        if (valid.isEmpty()) {
            err.println("baton reload: " + config.file + " is invalid; the agent was not told (fix it first)");
            err.flush();
            return BatonCli.EXIT_USAGE;
        }
        Path dataDir = valid.get().cluster().dataDir();
        OptionalLong pid = PidFile.read(dataDir);
        Optional<ProcessHandle> agent = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : Optional.empty();
        if (agent.isEmpty() || !agent.get().isAlive()) {
            err.println("baton reload: no agent is running on " + dataDir
                    + (pid.isPresent() ? " (" + PidFile.NAME + " names process " + pid.getAsLong() + ", which is gone)"
                    : " (no " + PidFile.NAME + ")"));
            err.flush();
            return BatonCli.EXIT_FAILURE;
        }
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(pid.getAsLong())).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes()).trim();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            err.println("baton reload: could not signal process " + pid.getAsLong() + ": " + output);
            err.flush();
            return BatonCli.EXIT_FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("sent SIGHUP to the agent (pid " + pid.getAsLong() + "); its log and `baton status` (last_reload)"
                + " say what it applied");
        out.flush();
        return BatonCli.EXIT_OK;
    }
}
