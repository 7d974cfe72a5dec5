package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;

class FileSpoolTest {

    @TempDir
    Path out;

    private WriteTarget target() {
        return new WriteTarget(out, out.resolve("src"), ImageMode.NONE, new ConversionReport("a", "b"), Progress.NONE);
    }

    @Test
    void everyQueuedFileIsWrittenWithItsOwnBytesWhenClosed() throws IOException {
        byte[] buffer = new byte[16];
        try (FileSpool spool = new FileSpool(target())) {
            for (int i = 0; i < 3 * FileSpool.MAX_PENDING; i++) {
                byte[] text = ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(text, 0, buffer, 0, text.length);
                // The buffer is overwritten at once: the spool must have kept a copy.
                spool.write("labels/" + (i % 2 == 0 ? "train" : "val") + "/f" + i + ".txt", buffer, text.length);
                java.util.Arrays.fill(buffer, (byte) 'x');
            }
        }
        for (int i = 0; i < 3 * FileSpool.MAX_PENDING; i++) {
            assertArrayEquals(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII),
                    Files.readAllBytes(out.resolve("labels/" + (i % 2 == 0 ? "train" : "val") + "/f" + i + ".txt")));
        }
    }

    @Test
    void writesOfOnePathLandInCallOrder() throws IOException {
        try (FileSpool spool = new FileSpool(target(), 3)) {
            for (int i = 0; i < 500; i++) {
                byte[] text = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
                spool.write("labels/a.txt", text, text.length);
                spool.write("labels/b" + (i % 7) + ".txt", text, text.length);
            }
        }
        assertArrayEquals("499".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(out.resolve("labels/a.txt")));
        assertArrayEquals("497".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(out.resolve("labels/b0.txt")));
    }

    @Test
    void aFailedWriteIsThrownAtTheLatestByClose() throws IOException {
        Files.createDirectories(out.resolve("labels/a.txt"));   // a folder where the file should go
        FileSpool spool = new FileSpool(target());
        spool.write("labels/a.txt", new byte[] {'0'}, 1);
        assertThrows(IOException.class, spool::close);
    }

    @Test
    void textsAreFormattedOnTheWritingThreadsIntoEachFilesOwnBytes() throws IOException {
        YoloWriter.LabelLines lines = new YoloWriter.LabelLines();
        try (FileSpool spool = new FileSpool(target())) {
            for (int i = 0; i < 3 * FileSpool.MAX_PENDING; i++) {
                // The builder is reused at once: each file's text must hold its own numbers.
                lines.start(i % 80);
                lines.add(i / 1000.0);
                lines.add(0.5);
                lines.end();
                lines.start(7);
                lines.add(1.0 / 3);
                lines.cancel();   // dropped: never written
                if (i % 2 == 0) {
                    lines.start(1);
                    lines.add(0.25);
                    lines.add(1);
                    lines.add(0);
                    lines.end();
                }
                spool.write("labels/f" + i + ".txt", lines.copy());
            }
            spool.write("labels/empty.txt", lines.copy());
        }
        for (int i = 0; i < 3 * FileSpool.MAX_PENDING; i++) {
            String expected = (i % 80) + " " + new java.math.BigDecimal(Double.toString(i / 1000.0))
                    .stripTrailingZeros().toPlainString() + " 0.5\n" + (i % 2 == 0 ? "1 0.25 1 0\n" : "");
            assertEquals(expected, Files.readString(out.resolve("labels/f" + i + ".txt")), "file " + i);
        }
        assertEquals(0, Files.size(out.resolve("labels/empty.txt")), "no lines: an empty file");
    }

    @Test
    void aTextThatFailsIsThrownByClose() throws IOException {
        FileSpool spool = new FileSpool(target());
        spool.write("labels/a.txt", buffer -> {
            throw new IllegalStateException("broken");
        });
        IOException e = assertThrows(IOException.class, spool::close);
        assertTrue(e.getMessage().contains("labels/a.txt"), e.getMessage());
    }

    @Test
    void refusesNamesEscapingTheOutput() throws IOException {
        try (FileSpool spool = new FileSpool(target())) {
            assertThrows(IOException.class, () -> spool.write("../x.txt", new byte[1], 1));
        }
    }
}
