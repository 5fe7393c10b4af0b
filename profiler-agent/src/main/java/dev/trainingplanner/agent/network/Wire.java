package dev.trainingplanner.agent.network;

/** Message codes of the agent-to-agent protocol spoken on the {@code --listen} port. */
final class Wire {

    static final int MAGIC = 0x54504147;
    static final int VERSION = 1;

    static final byte CONTROL = 'C';
    static final byte DATA = 'D';

    static final byte READY = 'R';
    static final byte PING = 'P';
    static final byte RECEIVE = 'V';
    static final byte SEND = 'S';
    static final byte GO = 'G';
    static final byte RESULT = 'T';
    static final byte DONE = 'E';
    static final byte ACK = 'A';

    static final int BUFFER_BYTES = 128 * 1024;

    private Wire() {}
}
