package dev.baton.agent.cli;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ClusterConfig;
import dev.baton.election.storage.FileStorage;
import dev.baton.election.storage.RecoveryState;
import dev.baton.election.storage.StorageException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton recover --force-new-cluster --config F}: the way out when a majority of members lost their data
 * directories (etcd's verb). Run on one stopped, surviving member; see OPERATIONS.md for what it loses.
 */
@Command(
        name = "recover",
        mixinStandardHelpOptions = true,
        description = "After a majority of members lost their data directories: marks this stopped node's data"
                + " directory so that it forms a new cluster alone from the log it kept; the other members then"
                + " catch up from it. Entries committed elsewhere but missing here are lost. Requires"
                + " --force-new-cluster; refuses while the agent runs and when the log is empty.")
final class RecoverCommand implements Callable<Integer> {
    @Mixin
    ConfigArgument config;

    @Option(names = "--force-new-cluster", description = "Required: confirms that a majority of the members lost"
            + " their data and that this node keeps the longest surviving log.")
    boolean forceNewCluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Optional<BatonConfig> loaded = config.load();
        if (loaded.isEmpty()) return BatonCli.EXIT_USAGE;
        ClusterConfig cluster = loaded.get().cluster();
        if (!forceNewCluster) {
            err.println("baton recover: refusing without --force-new-cluster. It makes this node form a new cluster"
                    + " alone from its own log, losing whatever a majority committed that this log lacks; use it only"
                    + " when a majority of the members lost their data directories (see OPERATIONS.md).");
            describe(cluster, err);
            err.flush();
            return BatonCli.EXIT_USAGE;
        }
        if (cluster.self().witness()) {
            err.println("baton recover: node " + cluster.node() + " is a witness and never leads: run it on a surviving"
                    + " member that is not a witness.");
            err.flush();
            return BatonCli.EXIT_USAGE;
        }
        FileStorage.SurvivingLog forced;
        try {
            forced = FileStorage.forceNewCluster(cluster.dataDir());
        } catch (StorageException e) {
            err.println("baton recover: cannot open " + cluster.dataDir() + ": " + e.getMessage()
                    + " (stop the agent on this node first)");
            err.flush();
            return BatonCli.EXIT_FAILURE;
        } catch (IllegalStateException e) {
            err.println("baton recover: " + e.getMessage());
            err.flush();
            return BatonCli.EXIT_FAILURE;
        }
        err.println("WARNING: FORCED A NEW CLUSTER. Node " + cluster.node() + " of cluster " + cluster.name()
                + " will, at its next start, lead alone (as a majority of one) from its own log: entries up to index "
                + forced.lastIndex() + " (snapshot at " + forced.snapshotIndex() + ", term " + forced.term() + ")."
                + " Anything the old cluster committed after index " + forced.lastIndex() + " is lost, and a member"
                + " still running with a longer log has its extra entries overwritten.");
        if (forced.recovery() == RecoveryState.AMNESIAC) {
            err.println("WARNING: this node had itself lost its disk and not yet caught up: its log may lack entries"
                    + " that were committed before the loss.");
        }
        err.println("Next: start this agent, then the other members (with their empty data directories); they"
                + " catch up from it. Until a majority holds its first new entry it leads alone.");
        err.flush();
        return BatonCli.EXIT_OK;
    }

    /** What this node's log holds, so the operator can pick the survivor with the longest one; changes nothing. */
    private static void describe(ClusterConfig cluster, PrintWriter err) {
        try {
            FileStorage.SurvivingLog log = FileStorage.inspect(cluster.dataDir());
            err.println("node " + cluster.node() + " keeps entries up to index " + log.lastIndex() + " (term "
                    + log.term() + (log.recovery() == RecoveryState.AMNESIAC ? ", itself recovering from a lost disk"
                    : "") + ")");
        } catch (StorageException | IllegalStateException e) {
            err.println("cannot read " + cluster.dataDir() + ": " + e.getMessage());
        }
    }
}
