package dev.trainingplanner.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {

    @Test
    void peersFileIsOrderedByNameAndFindsThisNode() {
        PeerDirectory directory = PeerDirectory.fromFile(
                "# cluster\nnode-b 10.0.0.2:7070\nnode-a 10.0.0.1:7070  # first\n\nnode-c [fd00::3]:7071\n",
                "peers.txt",
                "node-b");

        assertThat(directory.participants()).extracting(Peer::name).containsExactly("node-a", "node-b", "node-c");
        assertThat(directory.selfIndex()).isEqualTo(1);
        assertThat(directory.participants().get(2).address().getHostString()).isEqualTo("fd00::3");
        assertThat(directory.participants().get(2).address().getPort()).isEqualTo(7071);
    }

    @Test
    void badPeersFilesAreReportedSpecifically() {
        assertThatThrownBy(() -> PeerDirectory.fromFile("a 10.0.0.1:7070\n", "peers.txt", "b"))
                .hasMessageContaining("does not list this node (--node b)");
        assertThatThrownBy(() -> PeerDirectory.fromFile("a 10.0.0.1:7070\na 10.0.0.2:7070\n", "peers.txt", "a"))
                .hasMessage("peers.txt line 2: node name a appears twice");
        assertThatThrownBy(() -> PeerDirectory.fromFile("a 10.0.0.1\n", "peers.txt", "a"))
                .hasMessageContaining("line 1: expected HOST:PORT");
        assertThatThrownBy(() -> PeerDirectory.fromFile("a 10.0.0.1:99999\n", "peers.txt", "a"))
                .hasMessageContaining("port '99999' is not a number from 1 to 65535");
        assertThatThrownBy(() -> PeerDirectory.fromFile("a\n", "peers.txt", "a"))
                .hasMessageContaining("expected 'NAME HOST:PORT'");
        assertThatThrownBy(() -> PeerDirectory.fromFile("a->b 10.0.0.1:7070\n", "peers.txt", "a"))
                .hasMessageStartingWith("peers.txt line 1: node name 'a->b' is not a node name");
    }

    @Test
    void dnsPeersAreAllAddressesOfTheNameWithThisNodeFoundByItsListenAddress() {
        PeerDirectory.Resolver records = host ->
                new InetAddress[] {address("10.1.0.7"), address("10.1.0.3"), address("10.1.0.5"), address("10.1.0.3")};

        PeerDirectory directory = PeerDirectory.fromDns(
                "dns:agents.default.svc:7070", InetSocketAddress.createUnresolved("10.1.0.5", 7070), records);

        assertThat(directory.participants())
                .extracting(Peer::scheduleKey)
                .containsExactly("10.1.0.3:7070", "10.1.0.5:7070", "10.1.0.7:7070");
        assertThat(directory.participants()).extracting(Peer::name).containsOnlyNulls();
        assertThat(directory.selfIndex()).isEqualTo(1);
    }

    @Test
    void dnsErrorsAreReportedSpecifically() {
        InetSocketAddress listen = InetSocketAddress.createUnresolved("10.1.0.9", 7070);
        assertThatThrownBy(() -> PeerDirectory.fromDns(
                        "dns:agents:7070", listen, host -> new InetAddress[] {address("10.1.0.3")}))
                .hasMessageContaining("is this node's --listen address");
        assertThatThrownBy(() -> PeerDirectory.fromDns("dns:agents:7070", listen, host -> {
                    throw new UnknownHostException(host);
                }))
                .hasMessageContaining("DNS name agents does not resolve");
        assertThatThrownBy(() -> PeerDirectory.fromDns("dns:agents", listen, InetAddress::getAllByName))
                .hasMessageContaining("--peers dns:agents: expected dns:NAME:PORT");
    }

    @Test
    void realResolverFindsLoopbackForLocalhost() {
        PeerDirectory directory = PeerDirectory.fromDns(
                "dns:localhost:7070", InetSocketAddress.createUnresolved("127.0.0.1", 7070), InetAddress::getAllByName);

        assertThat(directory.participants().get(directory.selfIndex()).scheduleKey())
                .isEqualTo("127.0.0.1:7070");
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
