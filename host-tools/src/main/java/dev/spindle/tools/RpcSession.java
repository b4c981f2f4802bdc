package dev.spindle.tools;

import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.Rpc;

/**
 * A connected link and its {@link Rpc}, for the request/reply subcommands. The reply subscription
 * is made before the first connect, so it is part of every (re)connect of the link: a subscribe
 * that fails (the broker busy or the connection dropped just after CONNACK) is retried by the
 * link's own reconnect loop within {@code --timeout}, instead of failing the command with
 * "broker unreachable".
 */
public final class RpcSession implements AutoCloseable {
    private final Link link;
    private final Rpc rpc;

    private RpcSession(Link link, Rpc rpc) {
        this.link = link;
        this.rpc = rpc;
    }

    /**
     * Connects for {@code tool} with the reply subscription in place.
     *
     * @param more further subscriptions, made before the first connect too
     */
    static RpcSession open(BrokerOptions broker, BrokerOptions.Resolved r, String tool, BrokerOptions.LinkSetup more)
            throws ToolException, InterruptedException {
        Rpc[] rpc = new Rpc[1];
        Link link = broker.connect(r, tool, l -> {
            rpc[0] = new Rpc(l, r.fleet());
            more.setUp(l);
        });
        return new RpcSession(link, rpc[0]);
    }

    static RpcSession open(BrokerOptions broker, BrokerOptions.Resolved r, String tool)
            throws ToolException, InterruptedException {
        return open(broker, r, tool, l -> { });
    }

    public Link link() {
        return link;
    }

    public Rpc rpc() {
        return rpc;
    }

    @Override
    public void close() {
        link.close();
    }
}
