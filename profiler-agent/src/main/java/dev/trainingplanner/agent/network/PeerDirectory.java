package dev.trainingplanner.agent.network;

import dev.trainingplanner.profile.ProfileNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every participant of a measurement, this node included, in the one order all nodes agree on. Built
 * from a peers file ({@code NAME HOST:PORT} per line, the same file on every node) or from all A
 * records of a DNS name ({@code dns:NAME:PORT}, e.g. a Kubernetes headless Service).
 */
public record PeerDirectory(List<Peer> participants, int selfIndex) {

    /** Resolves a host name to all of its addresses; replaceable so tests can use fixed records. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolveAll(String host) throws UnknownHostException;
    }

    public PeerDirectory {
        participants = List.copyOf(participants);
    }

    /** Reads {@code --peers}: either {@code dns:NAME:PORT} or a file path. */
    public static PeerDirectory load(String spec, String selfName, InetSocketAddress listen, Resolver resolver) {
        if (spec.startsWith("dns:")) {
            return fromDns(spec, listen, resolver);
        }
        Path file = Path.of(spec);
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --peers file " + file + ": " + e.getMessage());
        }
        return fromFile(text, file.toString(), selfName);
    }

    public static PeerDirectory fromFile(String text, String origin, String selfName) {
        List<Peer> peers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int lineNumber = 0;
        for (String rawLine : text.lines().toList()) {
            lineNumber++;
            int comment = rawLine.indexOf('#');
            String line = (comment >= 0 ? rawLine.substring(0, comment) : rawLine).trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = origin + " line " + lineNumber;
            String[] words = line.split("\\s+");
            if (words.length != 2) {
                throw new IllegalArgumentException(where + ": expected 'NAME HOST:PORT', got '" + line + "'");
            }
            ProfileNames.nodeNameProblem(words[0], where + ": node name").ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            if (!names.add(words[0])) {
                throw new IllegalArgumentException(where + ": node name " + words[0] + " appears twice");
            }
            peers.add(new Peer(words[0], words[0], hostPort(words[1], where)));
        }
        peers.sort(Comparator.comparing(Peer::scheduleKey));
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).name().equals(selfName)) {
                return new PeerDirectory(peers, i);
            }
        }
        throw new IllegalArgumentException(
                origin + " does not list this node (--node " + selfName + "); every node must use the same file");
    }

    static PeerDirectory fromDns(String spec, InetSocketAddress listen, Resolver resolver) {
        String rest = spec.substring("dns:".length());
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--peers " + spec + ": expected dns:NAME:PORT");
        }
        String host = rest.substring(0, colon);
        int port = port(rest.substring(colon + 1), "--peers " + spec);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolveAll(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--peers " + spec + ": DNS name " + host + " does not resolve");
        }
        List<Peer> peers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (InetAddress address : addresses) {
            if (seen.add(address.getHostAddress())) {
                peers.add(new Peer(address.getHostAddress() + ":" + port, null, new InetSocketAddress(address, port)));
            }
        }
        peers.sort(Comparator.comparing(Peer::scheduleKey));
        Set<InetAddress> local = localAddresses(listen);
        for (int i = 0; i < peers.size(); i++) {
            Peer peer = peers.get(i);
            if (peer.address().getPort() == listen.getPort()
                    && local.contains(peer.address().getAddress())) {
                return new PeerDirectory(peers, i);
            }
        }
        throw new IllegalArgumentException("--peers " + spec + ": none of the addresses of " + host + " " + seen
                + " is this node's --listen address; the agent must be one of the Service's endpoints");
    }

    /** Parses {@code HOST:PORT} (an IPv6 host in brackets) without resolving the host yet. */
    public static InetSocketAddress hostPort(String text, String where) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(where + ": expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, port(text.substring(colon + 1), where));
    }

    private static int port(String text, String where) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(where + ": port '" + text + "' is not a number from 1 to 65535");
    }

    private static Set<InetAddress> localAddresses(InetSocketAddress listen) {
        Set<InetAddress> local = new HashSet<>();
        try {
            InetAddress bound = InetAddress.getByName(listen.getHostString());
            if (!bound.isAnyLocalAddress()) {
                local.add(bound);
                return local;
            }
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                local.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (UnknownHostException | SocketException e) {
            throw new IllegalArgumentException("cannot determine this node's addresses: " + e.getMessage());
        }
        return local;
    }
}
