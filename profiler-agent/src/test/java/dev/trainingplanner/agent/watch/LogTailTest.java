package dev.trainingplanner.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path dir;

    private void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void followsAppendsAndWaitsForTheEndOfAPartialLine() throws Exception {
        Path log = dir.resolve("train.log");
        try (LogTail tail = new LogTail(log)) {
            assertThat(tail.poll()).as("no file yet").isEmpty();
            append(log, "first\nsecond\r\nthi");
            assertThat(tail.poll()).containsExactly("first", "second");
            assertThat(tail.poll()).isEmpty();
            append(log, "rd\n");
            assertThat(tail.poll()).containsExactly("third");
        }
    }

    @Test
    void readsTheRestOfARotatedFileThenTheNewOne() throws Exception {
        Path log = dir.resolve("train.log");
        try (LogTail tail = new LogTail(log)) {
            append(log, "one\n");
            assertThat(tail.poll()).containsExactly("one");
            append(log, "two\nunterminated");
            Files.move(log, dir.resolve("train.log.1"));
            assertThat(tail.poll()).as("between rename and re-creation").containsExactly("two");
            append(log, "three\n");
            assertThat(tail.poll())
                    .as("the old file's last line ended with it")
                    .containsExactly("unterminated", "three");
        }
    }

    @Test
    void startsOverWhenTheFileIsTruncated() throws Exception {
        Path log = dir.resolve("train.log");
        try (LogTail tail = new LogTail(log)) {
            append(log, "a long first line\n");
            assertThat(tail.poll()).containsExactly("a long first line");
            Files.writeString(log, "new\n", StandardOpenOption.TRUNCATE_EXISTING);
            assertThat(tail.poll()).containsExactly("new");
        }
    }
}
