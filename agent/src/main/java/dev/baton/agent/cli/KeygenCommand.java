package dev.baton.agent.cli;

import dev.baton.agent.config.ClusterKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code baton keygen}: a fresh cluster key on stdout, meant for {@code baton keygen > cluster.key}. */
@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description = "Prints a new random cluster key: " + ClusterKey.MIN_BYTES + " bytes from SecureRandom as hex."
                + " Copy the same file to every node.")
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        byte[] key = new byte[ClusterKey.MIN_BYTES];
        new SecureRandom().nextBytes(key);
        spec.commandLine().getOut().println(HexFormat.of().formatHex(key));
        spec.commandLine().getOut().flush();
        return BatonCli.EXIT_OK;
    }
}
