package dev.baton.agent.cli;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigError;
import dev.baton.agent.config.ConfigException;
import dev.baton.agent.config.ConfigLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code --config FILE} option of the commands that read a node's config (a picocli mixin): loads it as
 * the agent would, with the environment of the {@code baton} command; prints every error (or, for a valid
 * config, every warning, prefixed {@code warning: }), one per line, on standard error.
 */
final class ConfigArgument {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The node's YAML config file.")
    Path file;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Optional<BatonConfig> load() {
        BatonCli baton = (BatonCli) command.parent().userObject();
        try {
            BatonConfig config = new ConfigLoader(baton.env()).load(file);
            PrintWriter err = command.commandLine().getErr();
            for (ConfigError warning : config.warnings()) err.println("warning: " + warning);
            err.flush();
            return Optional.of(config);
        } catch (ConfigException e) {
            PrintWriter err = command.commandLine().getErr();
            for (ConfigError error : e.errors()) err.println(error);
            err.flush();
            return Optional.empty();
        }
    }
}
