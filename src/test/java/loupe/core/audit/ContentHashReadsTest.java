package loupe.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ways of reading a file ({@link ContentHash.Reads}) give one hash for the same bytes. */
class ContentHashReadsTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    private Path write(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size * 31L + 7).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 511, 4095, 4096, 4097, 65_536, MB - 1, MB, MB + 3, 2 * MB, 3 * MB + 77})
    void directAutoAndBufferedReadsGiveTheHashOfTheBytes(int size) throws IOException {
        Path file = write("f" + size + ".bin", size);
        long expected = ContentHash.hash(Files.readAllBytes(file));
        for (ContentHash.Reads reads : ContentHash.Reads.values()) {
            ContentHash hasher = new ContentHash(reads);
            assertEquals(expected, hasher.hashFile(file), reads + " reads of " + size + " bytes");
            assertEquals(expected, hasher.hashFile(file), reads + ", a reused hasher starts afresh");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4095, 4096, 4097, MB + 3})
    void directReadsReallyBypassTheCacheWhereTheFileSystemAllowsIt(int size) throws IOException {
        Path file = write("d" + size + ".bin", size);
        ContentHash hasher = new ContentHash(ContentHash.Reads.DIRECT);
        long hash = hasher.hashFile(file);
        Assumptions.assumeTrue(hasher.directRefused() == 0, "this file system refuses O_DIRECT");
        assertEquals(1, hasher.directReads(), "the file was read with O_DIRECT, not buffered");
        assertEquals(new ContentHash(ContentHash.Reads.BUFFERED).hashFile(file), hash);
    }

    @Test
    void autoReadsAFileInThePageCacheThroughTheCache() throws IOException {
        // Just written, so its pages are in memory (dirty or clean): nothing to gain from the disk.
        Path file = write("warm.bin", 300_000);
        ContentHash hasher = new ContentHash(ContentHash.Reads.AUTO);
        assertEquals(ContentHash.hash(Files.readAllBytes(file)), hasher.hashFile(file));
        assertEquals(0, hasher.directReads());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertTrue(ContentHash.cached(channel));
        }
    }

    @Test
    void anEmptyFileCountsAsCached() throws IOException {
        try (FileChannel channel = FileChannel.open(write("empty.bin", 0), StandardOpenOption.READ)) {
            assertTrue(ContentHash.cached(channel));
        }
    }

    @Test
    void aVanishedFileFailsAsNoSuchFileInEveryMode() throws IOException {
        // ContentChecks leaves such a file without a hash (it catches NoSuchFileException), whatever the mode.
        Path file = write("gone.bin", 5000);
        Files.delete(file);
        for (ContentHash.Reads reads : ContentHash.Reads.values()) {
            assertThrows(NoSuchFileException.class, () -> new ContentHash(reads).hashFile(file), reads.name());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4097, MB + 3})
    void aFileThatShrankIsHashedAsItNowIsInEveryMode(int newSize) throws IOException {
        Path file = write("shrunk.bin", 2 * MB + 5);
        byte[] before = Files.readAllBytes(file);
        ContentHash.Reads[] modes = ContentHash.Reads.values();
        ContentHash[] hashers = Arrays.stream(modes).map(ContentHash::new).toArray(ContentHash[]::new);
        for (ContentHash h : hashers) {
            h.hashFile(file); // the hashers have read the longer file before
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(newSize);
        }
        long expected = ContentHash.hash(Arrays.copyOf(before, newSize));
        for (int i = 0; i < modes.length; i++) {
            assertEquals(expected, hashers[i].hashFile(file), modes[i] + " after truncation to " + newSize);
        }
    }

    @Test
    void filesThatFitInHalfTheMemoryAreReadThroughTheCacheForTheDHashPass() {
        long gb = 1L << 30;
        assertEquals(ContentHash.Reads.BUFFERED, ContentHash.readsFor(773_000_000L, 24 * gb));
        assertEquals(ContentHash.Reads.BUFFERED, ContentHash.readsFor(12 * gb, 24 * gb));
        assertEquals(ContentHash.Reads.AUTO, ContentHash.readsFor(12 * gb + 1, 24 * gb));
        assertEquals(ContentHash.Reads.BUFFERED, ContentHash.readsFor(100 * gb, 0), "memory unknown");
    }
}
