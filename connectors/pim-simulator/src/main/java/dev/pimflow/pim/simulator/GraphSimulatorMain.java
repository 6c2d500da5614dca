package dev.pimflow.pim.simulator;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the Graph simulator on its own: {@code java -cp ... dev.pimflow.pim.simulator.GraphSimulatorMain
 * [--port 8090] [--host 0.0.0.0] [--page-size 100] [--quota true]}; {@code --quota true} enforces Graph's
 * quotas ({@link QuotaSettings}). It binds all interfaces by default so a container can
 * publish it; it accepts unsigned tokens, so never run it where real clients could mistake it for Graph.
 */
public final class GraphSimulatorMain {

    private GraphSimulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        int port = 8090;
        String host = "0.0.0.0";
        int pageSize = 100;
        boolean quota = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            } else if (i + 1 < args.length && !arg.equals("--help")) {
                value = args[++i];
            }
            switch (arg) {
                case "--port" -> port = Integer.parseInt(value);
                case "--host" -> host = value;
                case "--page-size" -> pageSize = Integer.parseInt(value);
                case "--quota" -> quota = Boolean.parseBoolean(value);
                case "--help", "-h" -> {
                    System.out.println(
                            "usage: GraphSimulatorMain [--port 8090] [--host 0.0.0.0] [--page-size 100] [--quota true]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + arg + " (try --help)");
            }
        }
        GraphSimulator simulator = GraphSimulator.start(new InetSocketAddress(host, port), Clock.systemUTC(), pageSize)
                .quota(QuotaSettings.off().withEnabled(quota));
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "graph-simulator-shutdown"));
        System.out.println("Graph simulator: " + simulator.baseUrl() + " (tenant " + ContosoTenant.TENANT_ID
                + "; GET /_simulator/health, POST /_simulator/tokens for a bearer token)");
        new CountDownLatch(1).await();
    }
}
