package loupe.core.imaging.region;

import static loupe.core.imaging.region.TiffFixtures.meanDifference;
import static loupe.core.imaging.region.TiffFixtures.picture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TileCacheTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static TileKey key(int column) {
        return new TileKey("file", 0, column, 0);
    }

    /** 100x100 bytes of gray: 10,000 bytes each. */
    private static BufferedImage tile() {
        return new BufferedImage(100, 100, BufferedImage.TYPE_BYTE_GRAY);
    }

    @Test
    void concurrentRequestsForOneTileShareOneDecode() throws Exception {
        TileCache cache = new TileCache(1_000_000);
        AtomicInteger decodes = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        TileCache.Loader slow = k -> {
            decodes.incrementAndGet();
            release.await(10, TimeUnit.SECONDS);
            return tile();
        };
        List<CompletableFuture<BufferedImage>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(cache.get(key(1), slow, pool));
        }
        release.countDown();
        BufferedImage first = futures.get(0).get(10, TimeUnit.SECONDS);
        for (CompletableFuture<BufferedImage> f : futures) {
            assertSame(first, f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, decodes.get());
        assertEquals(7, cache.stats().merged());
        assertSame(first, cache.get(key(1), slow, pool).get());
        assertEquals(1, decodes.get(), "a cached tile is not decoded again");
        assertEquals(1, cache.stats().hits());
    }

    @Test
    void evictsTheLeastRecentlyUsedTilesToStayWithinItsBytes() throws Exception {
        TileCache cache = new TileCache(35_000);
        for (int i = 0; i < 3; i++) {
            cache.get(key(i), k -> tile(), Runnable::run).get();
        }
        assertEquals(30_000, cache.bytes());
        assertNotNull(cache.getIfPresent(key(0)));    // touch 0: tile 1 is now the eldest
        cache.get(key(3), k -> tile(), Runnable::run).get();
        assertEquals(30_000, cache.bytes());
        assertNull(cache.getIfPresent(key(1)));
        assertNotNull(cache.getIfPresent(key(0)));
        assertNotNull(cache.getIfPresent(key(3)));
        cache.get(new TileKey("other", 0, 0, 0), k -> tile(), Runnable::run).get();
        cache.invalidate("file");
        assertEquals(1, cache.size());
        assertEquals(10_000, cache.bytes());
    }

    @Test
    void aTileLargerThanTheBudgetIsReturnedButNotKept() throws Exception {
        TileCache cache = new TileCache(5_000);
        assertNotNull(cache.get(key(0), k -> tile(), Runnable::run).get());
        assertEquals(0, cache.size());
        assertEquals(0, cache.bytes());
    }

    @Test
    void aDecodeEveryCallerCancelledBeforeItStartedIsSkipped() throws Exception {
        TileCache cache = new TileCache(1_000_000);
        ExecutorService single = Executors.newSingleThreadExecutor();
        CountDownLatch busy = new CountDownLatch(1);
        try {
            single.execute(() -> {
                try {
                    busy.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicInteger decodes = new AtomicInteger();
            CompletableFuture<BufferedImage> a = cache.get(key(5), k -> {
                decodes.incrementAndGet();
                return tile();
            }, single);
            CompletableFuture<BufferedImage> b = cache.get(key(5), k -> tile(), single);
            a.cancel(false);
            b.cancel(false);
            busy.countDown();
            single.shutdown();
            assertTrue(single.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(0, decodes.get());
            assertEquals(1, cache.stats().skipped());
            assertThrows(CancellationException.class, a::join);
            // The key is free again: a new request decodes.
            assertNotNull(cache.get(key(5), k -> tile(), Runnable::run).get());
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void oneCallerCancellingDoesNotCancelTheOthers() throws Exception {
        TileCache cache = new TileCache(1_000_000);
        CountDownLatch release = new CountDownLatch(1);
        TileCache.Loader slow = k -> {
            release.await(10, TimeUnit.SECONDS);
            return tile();
        };
        CompletableFuture<BufferedImage> a = cache.get(key(2), slow, pool);
        CompletableFuture<BufferedImage> b = cache.get(key(2), slow, pool);
        a.cancel(false);
        release.countDown();
        assertNotNull(b.get(10, TimeUnit.SECONDS));
    }

    @Test
    void failedDecodesAreReportedAndNotCached() throws Exception {
        TileCache cache = new TileCache(1_000_000);
        CompletableFuture<BufferedImage> failed = cache.get(key(0), k -> {
            throw new IOException("damaged tile");
        }, pool);
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
        assertEquals("damaged tile", e.getCause().getMessage());
        assertNull(cache.getIfPresent(key(0)));
        assertNotNull(cache.get(key(0), k -> tile(), pool).get(10, TimeUnit.SECONDS));
    }

    @Test
    void cachedSourceReadsTheSamePixelsAsTheFileAndReusesTiles(@TempDir Path dir) throws Exception {
        BufferedImage picture = picture(700, 500);
        Path tif = TiffFixtures.pyramid(dir.resolve("p.tif"), picture, 3, 64, "Deflate");
        TileCache cache = new TileCache(64L << 20);
        try (ImageSource direct = ImageSources.open(tif);
             CachedImageSource cached = new CachedImageSource(ImageSources.open(tif), cache, pool)) {
            RegionRequest request = RegionRequest.of(100, 90, 400, 300);
            assertEquals(0.0, meanDifference(direct.readRegion(request), cached.readRegion(request)));
            long loads = cache.stats().loads();
            assertEquals(4, loads, "a 256-px grid (64-px file tiles grouped): columns 0-1, rows 0-1");
            RegionRequest again = RegionRequest.of(120, 100, 300, 200);
            assertEquals(0.0, meanDifference(direct.readRegion(again), cached.readRegion(again)));
            assertEquals(loads, cache.stats().loads(), "served from the cache");

            RegionRequest half = new RegionRequest(2, 0, 0, 700, 500);
            BufferedImage async = cached.readRegionAsync(half).get(10, TimeUnit.SECONDS);
            assertEquals(0.0, meanDifference(direct.readRegion(half), async));
            assertNotNull(cached.cachedTile(1, 0, 0));
            assertNotNull(cached.requestTile(2, 0, 0).get(10, TimeUnit.SECONDS));
        }
        assertEquals(0, cache.size(), "closing the source drops its tiles");
    }
}
