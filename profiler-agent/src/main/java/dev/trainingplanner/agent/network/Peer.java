package dev.trainingplanner.agent.network;

import java.net.InetSocketAddress;

/**
 * One participant of the measurement. {@code scheduleKey} orders participants identically on every
 * node (the node name from a peers file, or the address for DNS-discovered peers, whose names are
 * learned in the handshake); {@code name} is null until known.
 */
public record Peer(String scheduleKey, String name, InetSocketAddress address) {

    public String describe() {
        String where = address.getHostString() + ":" + address.getPort();
        return name == null ? where : name + " (" + where + ")";
    }
}
