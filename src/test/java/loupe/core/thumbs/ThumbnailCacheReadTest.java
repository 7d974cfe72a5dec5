package loupe.core.thumbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.TestImages;

/** Reading the disk cache: the raw bytes the gallery decodes itself, and damaged files made again. */
class ThumbnailCacheReadTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    @Test
    void givesTheCachedJpegBytesOnlyOnceTheThumbnailIsCached() throws IOException {
        Path image = TestImages.write(dataset.resolve("a.jpg"), 800, 600);
        ThumbnailService service = new ThumbnailService(cache, 256);

        assertNull(service.cachedJpeg(image, 100, 5, 1));
        service.load(image, 100, 5);

        byte[] bytes = service.cachedJpeg(image, 100, 5, 1);
        assertArrayEquals(Files.readAllBytes(service.cacheFile(image, 100, 5)), bytes);
        assertNull(service.cachedJpeg(image, 100, 6, 1), "another mtime is another thumbnail");
        assertNull(service.cachedJpeg(image, 100, 5, 6), "another orientation is another thumbnail");
        assertArrayEquals(bytes, service.cachedJpeg(image, 100, 5, 0), "orientation 0 is keyed as 1");
    }

    @Test
    void aCutOrForeignCacheFileIsNotGivenAndIsMadeAgain() throws IOException {
        Path image = TestImages.write(dataset.resolve("b.jpg"), 800, 600);
        ThumbnailService service = new ThumbnailService(cache, 256);
        service.load(image, 100, 5);
        Path cached = service.cacheFile(image, 100, 5);
        byte[] whole = Files.readAllBytes(cached);

        TestImages.truncate(cached);
        assertNull(service.cachedJpeg(image, 100, 5, 1));
        ThumbnailService.Thumbnail again = service.load(image, 100, 5);
        assertFalse(again.fromCache(), "a JPEG decoder would show the cut file with a grey lower half");
        assertArrayEquals(whole, Files.readAllBytes(cached));

        Path png = TestImages.write(dataset.resolve("c.png"), 20, 20);
        Files.copy(png, cached, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNull(service.cachedJpeg(image, 100, 5, 1), "not a JPEG");
        assertFalse(service.load(image, 100, 5).fromCache());
        assertTrue(service.load(image, 100, 5).fromCache());
    }

    @Test
    void looksWholeWantsTheStartAndEndMarkers() {
        assertTrue(ThumbnailService.looksWhole(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, (byte) 0xFF, (byte) 0xD9}));
        assertFalse(ThumbnailService.looksWhole(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, (byte) 0xFF, 0}));
        assertFalse(ThumbnailService.looksWhole(new byte[] {0, (byte) 0xD8, 1, 2, (byte) 0xFF, (byte) 0xD9}));
        assertFalse(ThumbnailService.looksWhole(new byte[] {(byte) 0xFF, (byte) 0xD9}));
        assertFalse(ThumbnailService.looksWhole(new byte[0]));
    }
}
