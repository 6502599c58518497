package dev.baton.agent.cli;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigError;
import dev.baton.agent.config.ConfigException;
import dev.baton.agent.config.ConfigLoader;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/** Loads a command's {@code --config} file as the agent would; on errors prints them, one per line, to stderr. */
final class ConfigArgument {
    private ConfigArgument() {
    }

    static Optional<BatonConfig> load(Path file, Function<String, String> env, CommandSpec spec) {
        try {
            return Optional.of(new ConfigLoader(env).load(file));
        } catch (ConfigException e) {
            PrintWriter err = spec.commandLine().getErr();
            for (ConfigError error : e.errors()) err.println(error);
            err.flush();
            return Optional.empty();
        }
    }
}
