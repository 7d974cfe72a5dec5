package loupe.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Xxh64Test {

    @TempDir
    Path dir;

    @Test
    void matchesTheReferenceValuesOfXxHash() {
        // Reference values of XXH64 with seed 0 (xxhash's own test vectors and python-xxhash's documentation).
        assertEquals(0xEF46DB3751D8E999L, Xxh64.hash(new byte[0]));
        assertEquals(0xD24EC4F1A98C6E5BL, Xxh64.hash("a".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0x44BC2CF5AD770999L, Xxh64.hash("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0xFBCEA83C8A378BF1L,
                Xxh64.hash("Nobody inspects the spammish repetition".getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 31, 32, 33, 100, 1 << 20, (1 << 20) + 5, (1 << 20) - 3, 3 * (1 << 20) + 77})
    void hashesAFileLikeItsBytesAcrossReadChunks(int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path file = Files.write(dir.resolve("f" + size), bytes);
        assertEquals(Xxh64.hash(bytes), new Xxh64().hashFile(file));
    }

    @Test
    void oneChangedByteChangesTheHash() throws IOException {
        byte[] bytes = new byte[5000];
        new Random(1).nextBytes(bytes);
        byte[] changed = Arrays.copyOf(bytes, bytes.length);
        changed[4321] ^= 1;
        assertNotEquals(Xxh64.hash(bytes), Xxh64.hash(changed));
    }
}
