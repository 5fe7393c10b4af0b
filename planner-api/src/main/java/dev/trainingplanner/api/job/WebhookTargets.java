package dev.trainingplanner.api.job;

import dev.trainingplanner.api.problem.ClientMistake;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where a job's webhook may point. The service posts to it from inside the deployment, so a URL naming a cloud metadata
 * endpoint (169.254.169.254), the database port on localhost or another internal address would let a scheduler token
 * reach what it otherwise cannot (server-side request forgery). Only http(s) URLs are taken, and their host must not be
 * (or resolve to) a loopback, link-local, private (RFC 1918, RFC 4193), carrier-grade NAT, multicast or unspecified
 * address, unless the admin setting {@code planner.webhooks.allow-private-targets=true} allows internal receivers. The
 * address is checked when the URL is stored and again before each call, since a name may resolve differently later.
 */
@Component
public class WebhookTargets {

    private final boolean allowPrivateTargets;

    WebhookTargets(@Value("${planner.webhooks.allow-private-targets:false}") boolean allowPrivateTargets) {
        this.allowPrivateTargets = allowPrivateTargets;
    }

    /**
     * Checks a URL a client sends.
     *
     * @throws ClientMistake naming {@code webhookUrl}
     */
    void check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ClientMistake.invalid("webhookUrl", "webhookUrl is not a valid URL: " + e.getMessage());
        }
        problem(uri, false).ifPresent(problem -> {
            throw ClientMistake.invalid("webhookUrl", "webhookUrl " + problem);
        });
    }

    /**
     * Why the service must not call {@code uri} now; empty when it may. A host that does not resolve passes when the URL
     * is stored (its receiver may not exist yet) and fails before a call.
     */
    public Optional<String> problem(URI uri, boolean mustResolve) {
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            return Optional.of("must be an absolute http(s) URL");
        }
        if (uri.getUserInfo() != null) {
            return Optional.of("must not carry a user name or password");
        }
        if (allowPrivateTargets) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return mustResolve ? Optional.of("host " + uri.getHost() + " does not resolve") : Optional.empty();
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                return Optional.of("points at the internal address " + address.getHostAddress()
                        + " (loopback, link-local, private and similar ranges need the admin setting"
                        + " planner.webhooks.allow-private-targets=true)");
            }
        }
        return Optional.empty();
    }

    static boolean isInternal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            try {
                return isInternal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(bytes, 12, 16)));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an IPv4 address", e);
            }
        }
        boolean carrierGradeNat = bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
        boolean uniqueLocal = bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
        return address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                || carrierGradeNat
                || uniqueLocal;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }
}
