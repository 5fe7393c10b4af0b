package dev.trainingplanner.agent.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Uploads the planner could not take yet, one JSON file each, named so that they sort in the order
 * they were made. Files are written to a temporary name and renamed, so a crash never leaves a
 * half-written upload that would later be sent.
 */
public final class Spool {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path directory;

    public Spool(Path directory) {
        this.directory = directory;
    }

    public Path add(SpooledUpload upload) throws IOException {
        Files.createDirectories(directory);
        String name = String.format("%013d-%s.json", System.currentTimeMillis(), upload.idempotencyKey());
        Path temporary = directory.resolve(name + ".tmp");
        MAPPER.writeValue(temporary.toFile(), upload);
        return Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Spooled uploads, oldest first. */
    public List<Path> pending() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }

    public SpooledUpload read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), SpooledUpload.class);
    }

    public void remove(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    /** Keeps an upload the planner refused out of the queue, for the operator to inspect. */
    public Path reject(Path file) throws IOException {
        Path rejected = directory.resolve("rejected");
        Files.createDirectories(rejected);
        return Files.move(file, rejected.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
}
