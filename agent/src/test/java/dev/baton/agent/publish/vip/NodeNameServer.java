package dev.baton.agent.publish.vip;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP server for namespace tests: answers every connection with its name and a newline, then closes. Listens
 * on every address of its namespace (so on a VIP as soon as the kernel has it). Prints {@code listening} once
 * bound; exits when its standard input closes (the parent is gone) or after {@code maxSeconds}.
 *
 * <p>Run: {@code ip netns exec NS java -cp CP dev.baton.agent.publish.vip.NodeNameServer NAME PORT MAX_SECONDS}.
 */
public final class NodeNameServer {
    public static void main(String[] args) throws IOException {
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        long maxSeconds = Long.parseLong(args[2]);
        byte[] answer = (name + "\n").getBytes(StandardCharsets.UTF_8);
        ExitWhenOrphaned.start(maxSeconds);
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port), 512);
            System.out.println("listening");
            System.out.flush();
            while (true) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(answer);
                } catch (IOException e) {
                    // one client's reset is not the server's problem
                }
            }
        }
    }
}
