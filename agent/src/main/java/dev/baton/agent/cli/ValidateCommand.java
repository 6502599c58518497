package dev.baton.agent.cli;

import dev.baton.agent.config.BatonConfig;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code baton validate --config F}: loads the config as the agent would and prints every problem. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Checks a config file, including the cluster key, and prints every problem found, one per"
                + " line. Exit code 0 if valid, 2 if not.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigArgument config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Optional<BatonConfig> valid = config.load();
        if (valid.isEmpty()) return BatonCli.EXIT_USAGE;
        BatonConfig loaded = valid.get();
        int services = loaded.services().size();
        spec.commandLine().getOut().printf("config OK: cluster %s, node %d, %d service%s%n",
                loaded.cluster().name(), loaded.cluster().node(), services, services == 1 ? "" : "s");
        spec.commandLine().getOut().flush();
        return BatonCli.EXIT_OK;
    }
}
