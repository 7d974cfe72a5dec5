package loupe.core.thumbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.imaging.CorruptImageException;
import loupe.testing.TestImages;

class ThumbnailServiceTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    @Test
    void makesAThumbnailThatFitsTheSizeAndKeepsTheAspect() throws IOException {
        Path image = dataset.resolve("big.jpg");
        TestImages.write(image, 1600, 900);
        ThumbnailService service = new ThumbnailService(cache, 256);

        ThumbnailService.Thumbnail t = service.load(image, Files.size(image), 1L);

        assertFalse(t.fromCache());
        assertEquals(256, t.image().getWidth());
        assertEquals(144, t.image().getHeight());
    }

    @Test
    void writesTheCacheOutsideTheDatasetAndReusesIt() throws IOException {
        Path image = dataset.resolve("a b/ü.png");
        TestImages.write(image, 480, 640);
        List<Path> before = listAll(dataset);
        ThumbnailService service = new ThumbnailService(cache, 256);

        service.load(image, 100, 5);
        Path cached = service.cacheFile(image, 100, 5);
        assertTrue(Files.isRegularFile(cached));
        assertTrue(cached.startsWith(cache));
        assertEquals(before, listAll(dataset), "nothing was written into the dataset");

        ThumbnailService.Thumbnail again = new ThumbnailService(cache, 256).load(image, 100, 5);
        assertTrue(again.fromCache());
        assertEquals(192, again.image().getWidth());
        assertEquals(256, again.image().getHeight());
        assertNotEquals(cached, service.cacheFile(image, 100, 6), "a changed mtime is a new thumbnail");
        assertNotEquals(cached, new ThumbnailService(cache, 128).cacheFile(image, 100, 5));
    }

    @Test
    void keepsSmallImagesAtTheirSize() throws IOException {
        Path image = dataset.resolve("small.jpg");
        TestImages.write(image, 40, 30);
        ThumbnailService.Thumbnail t = new ThumbnailService(cache, 256).load(image, 1, 1);
        assertEquals(40, t.image().getWidth());
        assertEquals(30, t.image().getHeight());
    }

    @Test
    void reportsMissingAndUndecodableFiles() throws IOException {
        ThumbnailService service = new ThumbnailService(cache, 256);
        assertThrows(NoSuchFileException.class, () -> service.load(dataset.resolve("gone.jpg"), 1, 1));
        Path junk = dataset.resolve("junk.jpg");
        Files.writeString(junk, "not an image");
        assertThrows(CorruptImageException.class, () -> service.load(junk, 1, 1));
        Path truncated = dataset.resolve("cut.jpg");
        TestImages.write(truncated, 300, 200);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, 40));
        assertThrows(CorruptImageException.class, () -> service.load(truncated, 2, 2));
    }

    private static List<Path> listAll(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.sorted().toList();
        }
    }
}
