package dev.baton.agent.publish.vip;

/** For the helper processes a test starts in a namespace: exit when stdin closes (parent gone) or after a bound. */
final class ExitWhenOrphaned {
    private ExitWhenOrphaned() {
    }

    static void start(long maxSeconds) {
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // ignore input; EOF means the parent closed our stdin or died
                }
            } catch (java.io.IOException e) {
                // same as EOF
            }
            System.exit(0);
        }, "stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
        Thread limit = new Thread(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(3);
        }, "lifetime-limit");
        limit.setDaemon(true);
        limit.start();
    }
}
