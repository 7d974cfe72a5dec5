package loupe.ui.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import loupe.core.imaging.region.CachedImageSource;
import loupe.core.imaging.region.ImageSources;
import loupe.core.imaging.region.PyramidLevel;
import loupe.core.imaging.region.TileCache;
import loupe.core.imaging.region.TileKey;

/**
 * The tile layer asks only for what the viewport shows: stale requests are dropped before they are decoded, and a
 * big pyramidal TIFF is shown from a handful of tiles. (FX images need the toolkit, hence the application
 * extension; no stage is shown.)
 */
@Tag("ui")
@ExtendWith(ApplicationExtension.class)
class TileLayerTest {

    @TempDir
    Path dir;

    private ExecutorService executor;

    @Start
    void start(Stage stage) {
        // The toolkit is all these tests need.
    }

    @AfterEach
    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Test
    void dropsRequestsForTilesThatLeftTheViewBeforeDecodingThem() throws Exception {
        ViewerFixtures.BlockingSource fake = new ViewerFixtures.BlockingSource(8192, 8192, 256);
        executor = ViewerServices.pool("loupe-tiles-test-", 1);
        TileCache cache = new TileCache(64L << 20);
        CachedImageSource source = new CachedImageSource(fake, cache, executor);
        TileLayer layer = new TileLayer(source, new FxTileCache(64L << 20), executor, () -> { });
        // The overview must be there first, so the layer knows full-resolution tiles are needed at 1:1.
        layer.loadOverview();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, layer::hasOverview);

        Viewport topLeft = new Viewport(1, 512, 384, 1024, 768);
        TileLayer.Plan first = onFx(() -> layer.update(topLeft, Orientation.NORMAL));
        assertEquals(4 * 3, first.tiles().size(), first.toString());
        assertTrue(fake.firstStarted.await(10, TimeUnit.SECONDS), "the first tile decode started");

        // While the decoder is busy with the first tile, the user pans far away.
        Viewport farAway = new Viewport(1, 6000, 6000, 1024, 768);
        TileLayer.Plan second = onFx(() -> layer.update(farAway, Orientation.NORMAL));
        fake.release();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> layer.pendingCount() == 0);
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);   // conversions queued behind the decodes

        Set<TileKey> expected = new HashSet<>(second.tiles());
        expected.add(first.tiles().get(0));   // the one already decoding runs to completion
        assertEquals(expected, fake.decoded, "only the tile in progress and the new view's tiles are decoded");
        assertEquals(first.tiles().size(), layer.stats().cancelled(), "the layer let go of all the old tiles");
        assertEquals(first.tiles().size() - 1, cache.stats().skipped());
        assertTrue(onFx(() -> {
            layer.update(farAway, Orientation.NORMAL);
            return layer.isSharp();
        }));
    }

    @Test
    void showsABigPyramidalTiffFromAFewTiles() throws Exception {
        Path tiff = ViewerFixtures.pyramidTiff(dir.resolve("big.tif"), 6144, 4096, 256);
        ViewerFixtures.CountingSource counting = new ViewerFixtures.CountingSource(ImageSources.open(tiff));
        List<PyramidLevel> levels = counting.levels();
        assertTrue(levels.size() >= 4, "the fixture has a pyramid: " + levels);
        executor = ViewerServices.pool("loupe-tiles-test-", 2);
        CachedImageSource source = new CachedImageSource(counting, new TileCache(64L << 20), executor);
        TileLayer layer = new TileLayer(source, new FxTileCache(64L << 20), executor, () -> { });
        long allTiles = levels.get(0).columns() * (long) levels.get(0).rows();

        // Fit: the overview is read from a coarse level; no full-resolution tile is touched.
        Viewport fit = Viewport.fit(6144, 4096, 1000, 700);
        assertNull(onFx(() -> layer.update(fit, Orientation.NORMAL)).level(), "the overview suffices at fit");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, layer::hasOverview);
        assertEquals(0, counting.tiles(0));

        // 1:1 in the middle: only the tiles in view, out of 24 x 16 = 384.
        Viewport oneToOne = new Viewport(1, 3000, 2000, 1000, 700);
        TileLayer.Plan plan = onFx(() -> layer.update(oneToOne, Orientation.NORMAL));
        assertEquals(0, plan.level().index());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> {
            layer.update(oneToOne, Orientation.NORMAL);
            return layer.isSharp();
        }));
        long decoded = counting.tiles(0);
        assertTrue(decoded <= 5 * 4, "decoded " + decoded + " of " + allTiles + " full-resolution tiles");
        // The overview (2048 px wide) comes from the 3072-px level: about a quarter of level 0's pixels, the
        // bulk of what was decoded; the view at 1:1 adds only its own tiles.
        assertTrue(counting.pixels.get() < 6144L * 4096 / 3,
                "decoded " + counting.pixels.get() + " pixels of " + 6144L * 4096);
        assertFalse(layer.stats().requested() > 5 * 4 + 1);
        source.close();
    }

    private static <T> T onFx(Callable<T> call) throws Exception {
        return WaitForAsyncUtils.asyncFx(call).get(10, TimeUnit.SECONDS);
    }
}
