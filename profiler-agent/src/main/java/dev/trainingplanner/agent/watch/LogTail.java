package dev.trainingplanner.agent.watch;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Follows a log file like {@code tail -F}: each {@link #poll} returns the complete lines appended since the last one,
 * from the start of the file on the first. A line still being written (no newline yet) waits for its end. When the
 * file is replaced (rotation by rename: another file now has the name) the rest of the old file is read first, then the
 * new file from its start; when it shrinks (rotation by {@code copytruncate}) it is read again from its start. A file
 * that does not exist yet, or between rotation and re-creation, yields nothing until it appears.
 */
final class LogTail implements Closeable {

    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private FileChannel channel;
    private Object fileKey;
    private long position;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    LogTail(Path file) {
        this.file = file;
    }

    List<String> poll() throws IOException {
        List<String> lines = new ArrayList<>();
        Object currentKey = currentKey();
        if (channel != null && currentKey != null && !Objects.equals(currentKey, fileKey)) {
            read(lines);
            if (partial.size() > 0) {
                lines.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            }
            close();
        }
        if (channel == null) {
            if (currentKey == null) {
                return lines;
            }
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException gone) {
                return lines;
            }
            fileKey = currentKey;
            position = 0;
        }
        if (channel.size() < position) {
            position = 0;
            partial.reset();
        }
        read(lines);
        return lines;
    }

    private void read(List<String> lines) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        int count;
        while ((count = channel.read(buffer, position)) > 0) {
            position += count;
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    String line = partial.toString(StandardCharsets.UTF_8);
                    lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                    partial.reset();
                } else {
                    partial.write(b);
                }
            }
            buffer.clear();
        }
    }

    private Object currentKey() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            // Without file keys (some file systems) the size check alone notices rotation by copytruncate.
            return attributes.fileKey() == null ? "no-key" : attributes.fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
