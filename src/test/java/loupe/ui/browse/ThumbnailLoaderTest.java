package loupe.ui.browse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import javafx.application.Platform;
import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.thumbs.ThumbnailService;
import loupe.ui.fx.FxImages;

/** The loader's disk-cache path (JavaFX's JPEG decoder), its pixel copy and its prefetch, on real files. */
@Tag("ui")
class ThumbnailLoaderTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    @BeforeAll
    static void toolkit() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        try {
            Platform.startup(started::countDown);
        } catch (IllegalStateException e) {
            started.countDown(); // already running (another test class started it)
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
    }

    /**
     * A 900x600 JPEG: colour gradients over a grey checkerboard, so that a decoder with other colours or geometry
     * would show. Its edges are in brightness only: at sharp colour edges two JPEG decoders may differ by tens of
     * levels (one interpolates the half-resolution colour planes, the other repeats them), as photos rarely have.
     */
    private Path photo(String name) throws IOException {
        BufferedImage image = new BufferedImage(900, 600, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 600; y++) {
            for (int x = 0; x < 900; x++) {
                int grey = ((x / 40 + y / 40) % 2) * 150 + 30;
                int r = grey + x * 60 / 899;
                int g = grey + y * 60 / 599;
                image.setRGB(x, y, r << 16 | g << 8 | grey);
            }
        }
        Path file = dataset.resolve(name);
        assertTrue(ImageIO.write(image, "jpeg", file.toFile()));
        return file;
    }

    private static Image now(CompletableFuture<Image> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void cachedThumbnailDecodedByJavaFxMatchesImageIoWithinJpegTolerance() throws Exception {
        Path photo = photo("a.jpg");
        ThumbnailService service = new ThumbnailService(cache, 256);
        service.load(photo, Files.size(photo), 7L); // makes and caches it
        ThumbnailLoader loader = new ThumbnailLoader(service, Runnable::run, 64L << 20);

        Image fx = now(loader.load(photo, Files.size(photo), 7L));

        assertEquals(1, loader.fromDiskCount());
        assertEquals(0, loader.generatedCount());
        BufferedImage reference = ImageIO.read(service.cacheFile(photo, Files.size(photo), 7L).toFile());
        assertEquals(reference.getWidth(), (int) fx.getWidth());
        assertEquals(reference.getHeight(), (int) fx.getHeight());
        assertEquals(256, reference.getWidth());
        assertEquals(171, reference.getHeight());
        PixelReader pixels = fx.getPixelReader();
        long sum = 0;
        int worst = 0;
        for (int y = 0; y < reference.getHeight(); y++) {
            for (int x = 0; x < reference.getWidth(); x++) {
                int a = reference.getRGB(x, y);
                int b = pixels.getArgb(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs((a >> shift & 0xff) - (b >> shift & 0xff));
                    sum += d;
                    worst = Math.max(worst, d);
                }
            }
        }
        double mean = sum / (3.0 * reference.getWidth() * reference.getHeight());
        // Two libjpeg builds may round the IDCT and the colour upsampling differently by a few levels.
        assertTrue(mean < 1.5, "mean difference " + mean);
        assertTrue(worst <= 16, "largest difference " + worst);
    }

    @Test
    void damagedCacheFileIsMadeAgain() throws Exception {
        Path photo = photo("b.jpg");
        ThumbnailService service = new ThumbnailService(cache, 256);
        service.load(photo, 10, 7L);
        Path cached = service.cacheFile(photo, 10, 7L);
        byte[] whole = Files.readAllBytes(cached);
        ThumbnailLoader loader = new ThumbnailLoader(service, Runnable::run, 64L << 20);

        Files.write(cached, java.util.Arrays.copyOf(whole, whole.length / 2)); // cut short
        Image cut = now(loader.load(photo, 10, 7L));
        assertEquals(1, loader.generatedCount(), "a cut file is not shown half grey but made again");
        assertEquals(256, (int) cut.getWidth());
        assertArrayEquals(whole, Files.readAllBytes(cached), "the cache holds a whole thumbnail again");

        loader.clearMemory();
        Files.write(cached, "not a jpeg at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Image garbage = now(loader.load(photo, 10, 7L));
        assertEquals(2, loader.generatedCount());
        assertEquals(171, (int) garbage.getHeight());
        assertEquals(0, loader.fromDiskCount());
    }

    @Test
    void copiesAMadeThumbnailPixelForPixelLikeTheGenericConversion() throws Exception {
        Path photo = photo("c.jpg");
        BufferedImage made = new ThumbnailService(cache, 256).generate(photo);
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, made.getType());

        Image fast = ThumbnailLoader.toFx(made);
        Image generic = FxImages.toFx(made);

        assertEquals(generic.getWidth(), fast.getWidth());
        assertEquals(generic.getHeight(), fast.getHeight());
        for (int y = 0; y < made.getHeight(); y++) {
            for (int x = 0; x < made.getWidth(); x++) {
                assertEquals(generic.getPixelReader().getArgb(x, y), fast.getPixelReader().getArgb(x, y),
                        "pixel " + x + "," + y);
            }
        }
        // Other layouts go through the generic conversion.
        BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x80ff0000);
        assertEquals(0x80ff0000, ThumbnailLoader.toFx(argb).getPixelReader().getArgb(1, 1));
    }

    @Test
    void prefetchReadsOnlyCachedThumbnailsIntoMemory() throws Exception {
        Path cachedPhoto = photo("d.jpg");
        Path newPhoto = photo("e.jpg");
        ThumbnailService service = new ThumbnailService(cache, 256);
        service.load(cachedPhoto, 10, 1L);
        List<Runnable> queued = new ArrayList<>();
        ThumbnailLoader loader = new ThumbnailLoader(service, queued::add, 64L << 20);

        loader.prefetchCached(cachedPhoto, 10, 1L, 1);
        loader.prefetchCached(newPhoto, 10, 1L, 1);
        assertEquals(2, queued.size(), "prefetching runs on the pool, not on the caller's thread");
        queued.forEach(Runnable::run);
        queued.clear();

        assertFalse(Files.exists(service.cacheFile(newPhoto, 10, 1L)), "a missing thumbnail is left to the tile");
        assertEquals(0, loader.generatedCount());
        CompletableFuture<Image> hit = loader.load(cachedPhoto, 10, 1L);
        assertTrue(hit.isDone(), "the prefetched thumbnail is served from memory at once");
        assertNotNull(hit.get());
        assertTrue(queued.isEmpty());
        CompletableFuture<Image> miss = loader.load(newPhoto, 10, 1L);
        assertFalse(miss.isDone());
        assertEquals(1, queued.size());
    }
}
