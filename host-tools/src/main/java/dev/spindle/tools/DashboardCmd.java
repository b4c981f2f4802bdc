package dev.spindle.tools;

import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.tools.dashboard.Dashboard;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spindle dashboard}: the live fleet dashboard in a browser (see docs/dashboard.md). Starts
 * even while the broker is away: the page says "broker disconnected" and the link keeps retrying.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serve the live fleet dashboard (boards, telemetry charts, threads, pins, log) over HTTP.",
            "Updates are pushed to the browser (Server-Sent Events); no internet needed."})
final class DashboardCmd extends ToolCommand {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "HTTP port, 0 for any free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 exposes the dashboard,"
                + " and its pin controls, to the network).")
    String bind;

    private volatile Dashboard dashboard;

    /** The running dashboard (tests), or null before it started. */
    Dashboard dashboard() {
        return dashboard;
    }

    @Override
    int run() throws ToolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        if (port < 0 || port > 65535) {
            throw new ToolException(ExitCodes.USAGE, "--port " + port + " is not a port: use 0..65535");
        }
        if (r.tls() != null && !r.tls().isHostnameChecked()) {
            BrokerOptions.warnInsecure();
        }
        LinkConfig link = broker.toolLink(r, "dashboard").backoff(100, 5000).build();
        try (Dashboard d = new Dashboard(new Dashboard.Config(bind, port, link, r.fleet(), broker.timeoutMs))) {
            d.start();
            dashboard = d;
            out().println("Spindle dashboard for fleet '" + r.fleet() + "' on " + r.broker() + ": " + d.url());
            out().println("Ctrl-C to stop.");
            out().flush();
            awaitStop(0);
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot serve on " + bind + ":" + port + ": " + e.getMessage()
                    + " (pick another --port, or --port 0 for any free one)");
        } catch (LinkException e) {
            throw new ToolException(ExitCodes.BROKER_UNREACHABLE, e.getMessage());
        }
        return ExitCodes.OK;
    }
}
