package dev.trainingplanner.agent.network;

import java.io.IOException;

/** A pair test that could not be completed: the peer is unreachable, silent or went away mid-test. */
public final class PairTestException extends IOException {

    public PairTestException(String message) {
        super(message);
    }
}
