package dev.baton.agent.cli;

import dev.baton.agent.demo.Demo;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton demo}: the first thing to run; see {@link Demo}. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Runs three Baton nodes, two instances of a web service and a client on loopback; kills the"
                + " primary, brings it back, kills the leader node, switches the service to the other instance and back with"
                + " baton switch, and shows what happened. Needs nothing but Java."
                + " Exit code 0 when every step behaved as it must.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        return new Demo(System.out).run();
    }
}
