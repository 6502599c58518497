package dev.baton.agent.chaos;

import dev.baton.agent.demo.DnsProbe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The chaos suite's client, run as a process in a namespace of its own: asks every node's DNS server for one
 * name, node after node, round after round ({@code pauseMillis} between rounds), and prints one line per answer:
 * {@code <round> <node> <epochMillis at send> <answer>} ({@link DnsProbe#ask()}'s words). Stops when its
 * standard input ends or after {@code maxSeconds}.
 * <p>{@code DnsPoller <name> <pauseMillis> <maxSeconds> <ip:port of node 1> <ip:port of node 2> ...}
 */
public final class DnsPoller {
    static final Duration TIMEOUT = Duration.ofMillis(300);

    private DnsPoller() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String name = args[0];
        long pause = Long.parseLong(args[1]);
        long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        List<DnsProbe> probes = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] hp = args[i].split(":");
            probes.add(new DnsProbe(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), name, TIMEOUT));
        }
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test closes our input to stop us
                }
            } catch (IOException e) {
                // as closed
            }
            System.exit(0);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        for (long round = 1; System.nanoTime() < end; round++) {
            StringBuilder lines = new StringBuilder();
            for (int n = 0; n < probes.size(); n++) {
                long sent = System.currentTimeMillis();
                String answer = probes.get(n).ask();
                lines.append(round).append(' ').append(n + 1).append(' ').append(sent).append(' ').append(answer).append('\n');
            }
            System.out.print(lines);
            System.out.flush();
            Thread.sleep(pause);
        }
    }
}
