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

class ContentHashTest {

    @TempDir
    Path dir;

    @Test
    void isCrc32AndCrc32cOfTheBytes() {
        // The check values of both CRCs ("123456789"): CRC-32 CBF43926, CRC-32C E3069283.
        assertEquals(0xCBF43926E3069283L, ContentHash.hash("123456789".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0L, ContentHash.hash(new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 65_535, 65_536, 65_537, 1 << 20, (1 << 20) + 5, 3 * (1 << 20) + 77})
    void hashesAFileLikeItsBytesAcrossReadChunks(int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path file = Files.write(dir.resolve("f" + size), bytes);
        ContentHash hasher = new ContentHash();
        assertEquals(ContentHash.hash(bytes), hasher.hashFile(file));
        assertEquals(ContentHash.hash(bytes), hasher.hashFile(file), "a reused hasher starts afresh");
    }

    @Test
    void oneChangedByteChangesTheHash() {
        byte[] bytes = new byte[5000];
        new Random(1).nextBytes(bytes);
        byte[] changed = Arrays.copyOf(bytes, bytes.length);
        changed[4321] ^= 1;
        assertNotEquals(ContentHash.hash(bytes), ContentHash.hash(changed));
    }
}
