package loupe.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarWriterTest {

    @TempDir
    Path dir;

    private static final String LONG = "a".repeat(60) + "/" + "b".repeat(120) + ".jpg";
    private static final String UNICODE = "東京 ü.json";

    private Path archive(byte[] big) throws IOException {
        Path source = dir.resolve("big.bin");
        Files.write(source, big);
        Path tar = dir.resolve("t.tar");
        try (FileChannel out = FileChannel.open(tar, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             TarWriter writer = new TarWriter(out);
             FileChannel in = FileChannel.open(source)) {
            writer.add("empty.txt", new byte[0], 1_700_000_000L);
            writer.add("one.txt", "x".getBytes(StandardCharsets.UTF_8), 1);
            writer.add("block.bin", new byte[512], 2);
            writer.add(LONG, new byte[513], 3);
            writer.add(UNICODE, "{}".getBytes(StandardCharsets.UTF_8), 4);
            writer.add("big.bin", in, big.length, 5);
            writer.finish();
        }
        return tar;
    }

    @Test
    void writesEntriesAStrictReaderReadsBack() throws IOException {
        byte[] big = new byte[(1 << 20) + 12345];   // larger than the writer's buffer: the direct-copy path
        new Random(1).nextBytes(big);
        List<TarEntries.Entry> entries = TarEntries.read(archive(big));
        assertEquals(List.of("empty.txt", "one.txt", "block.bin", LONG, UNICODE, "big.bin"),
                entries.stream().map(TarEntries.Entry::name).toList());
        assertEquals(0, entries.get(0).data().length);
        assertEquals(1_700_000_000L, entries.get(0).mtime());
        assertEquals("x", new String(entries.get(1).data(), StandardCharsets.UTF_8));
        assertEquals(513, entries.get(3).data().length);
        assertArrayEquals(big, entries.get(5).data());
    }

    @Test
    void archiveIsWholeRecordsAndItsSizeIsPredicted() throws IOException {
        byte[] big = new byte[(1 << 20) + 12345];
        Path tar = archive(big);
        long entries = TarWriter.entryBytes("empty.txt", 0) + TarWriter.entryBytes("one.txt", 1)
                + TarWriter.entryBytes("block.bin", 512) + TarWriter.entryBytes(LONG, 513)
                + TarWriter.entryBytes(UNICODE, 2) + TarWriter.entryBytes("big.bin", big.length);
        assertEquals(TarWriter.archiveBytes(entries), Files.size(tar));
        assertEquals(0, Files.size(tar) % TarWriter.RECORD);
    }

    @Test
    void longAndNonAsciiNamesGetPaxRecordsShortOnesDoNot() {
        assertNull(TarWriter.paxRecords("plain.jpg", 10));
        assertEquals((3 + 1 + "path=".length() + LONG.length() + 1) + " path=" + LONG + "\n",
                new String(TarWriter.paxRecords(LONG, 10), StandardCharsets.UTF_8));
        String record = new String(TarWriter.paxRecords(UNICODE, 10), StandardCharsets.UTF_8);
        assertEquals(record.getBytes(StandardCharsets.UTF_8).length,
                Integer.parseInt(record.substring(0, record.indexOf(' '))), "the length counts bytes, itself included");
        String huge = new String(TarWriter.paxRecords("x", 1L << 34), StandardCharsets.UTF_8);
        assertTrue(huge.contains(" size=17179869184\n"), huge);
    }

    @Test
    void systemTarListsTheSameNames() throws Exception {
        List<String> names = TarEntries.systemTarList(archive(new byte[700_000]));
        Assumptions.assumeTrue(names != null, "no tar on this machine");
        assertEquals(List.of("empty.txt", "one.txt", "block.bin", LONG, UNICODE, "big.bin"), names);
    }

    @Test
    void fileShorterThanAnnouncedFailsLoudly() throws IOException {
        Path source = dir.resolve("short.bin");
        Files.write(source, new byte[100]);
        try (FileChannel out = FileChannel.open(dir.resolve("s.tar"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
             TarWriter writer = new TarWriter(out);
             FileChannel in = FileChannel.open(source)) {
            IOException e = assertThrows(IOException.class, () -> writer.add("short.bin", in, 200, 0));
            assertTrue(e.getMessage().contains("changed while being written"), e.getMessage());
        }
    }
}
