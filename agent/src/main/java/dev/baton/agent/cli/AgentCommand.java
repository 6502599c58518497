package dev.baton.agent.cli;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigLoader;
import dev.baton.agent.runtime.AgentNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code baton agent --config F}: runs this node until SIGTERM or SIGINT, then stops gracefully. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "Runs a Baton node: election member, health checks, decisions, DNS server and status API."
                + " Stops gracefully (handing leadership over) on SIGTERM or SIGINT; SIGHUP re-reads the config.")
final class AgentCommand implements Callable<Integer> {
    @Mixin
    ConfigArgument config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Optional<BatonConfig> valid = config.load();
        if (valid.isEmpty()) return BatonCli.EXIT_USAGE;
        BatonConfig loaded = valid.get();
        AgentNode agent;
        try {
            agent = AgentNode.start(loaded);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("baton agent: cannot start node " + loaded.cluster().node() + ": "
                    + e.getMessage());
            spec.commandLine().getErr().flush();
            return BatonCli.EXIT_FAILURE;
        }
        BatonCli baton = (BatonCli) spec.parent().userObject();
        ReloadOnHangup.install(agent, new ConfigLoader(baton.env()), config.file);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "baton-shutdown"));
        stopped.await();
        return BatonCli.EXIT_OK;
    }
}
