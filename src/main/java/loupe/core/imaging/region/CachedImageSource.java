package loupe.core.imaging.region;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * An {@link ImageSource} whose reads go through a shared {@link TileCache}: regions are assembled from the tiles of
 * the chosen pyramid level's grid, each decoded once and kept while the cache has room. This is the source for a
 * viewer: it asks for tiles asynchronously with {@link #requestTile} (or whole regions with
 * {@link #readRegionAsync}), paints what {@link #cachedTile} already has, and cancels the futures of tiles that
 * scrolled out of view, so their decodes are skipped when nobody else waits for them (see {@link TileCache#get}).
 *
 * <p>Reads that would assemble more than about 64 MB of tiles (a whole-image overview of a file without a pyramid)
 * bypass the cache and read the region directly with subsampling. Thread-safe. Tiles returned from the cache are
 * shared: treat them as read-only; {@link #readRegion} returns a new image the caller owns.
 */
public final class CachedImageSource implements ImageSource {

    private final ImageSource source;
    private final TileCache cache;
    private final Executor executor;

    /**
     * @param source   the file, closed with this source
     * @param cache    the cache, usually shared by every open file
     * @param executor runs tile decodes for {@link #requestTile} and {@link #readRegionAsync}: a bounded pool
     *                 (decodes block on the source's reader pool anyway)
     */
    public CachedImageSource(ImageSource source, TileCache cache, Executor executor) {
        this.source = source;
        this.cache = cache;
        this.executor = executor;
    }

    @Override
    public String id() {
        return source.id();
    }

    @Override
    public Path path() {
        return source.path();
    }

    @Override
    public String format() {
        return source.format();
    }

    @Override
    public List<PyramidLevel> levels() {
        return source.levels();
    }

    public TileCache cache() {
        return cache;
    }

    /** The tile if it is cached (no decode); null otherwise. For painting what is there while the rest loads. */
    public BufferedImage cachedTile(int level, int column, int row) {
        return cache.getIfPresent(new TileKey(id(), level, column, row));
    }

    /**
     * A tile, from the cache or decoded on the executor. Cancel the future to drop the request (see
     * {@link TileCache#get}); the future then completes with a {@link CancellationException}.
     */
    public CompletableFuture<BufferedImage> requestTile(int level, int column, int row) {
        return cache.get(new TileKey(id(), level, column, row), this::load, executor);
    }

    private BufferedImage load(TileKey key) throws IOException {
        return source.readTile(key.level(), key.column(), key.row());
    }

    @Override
    public BufferedImage readTile(int level, int column, int row) throws IOException {
        return await(cache.get(new TileKey(id(), level, column, row), this::load, Runnable::run));
    }

    /** Tiles of a level that a region covers, and the region in that level's pixels. */
    private record Plan(PyramidLevel level, int x0, int y0, int x1, int y1, int col0, int row0, int col1, int row1) {

        static Plan of(ImageSource s, RegionRequest r) {
            PyramidLevel level = PyramidLevel.forDownsample(s.levels(), r.downsample());
            double sx = (double) s.width() / level.width();
            double sy = (double) s.height() / level.height();
            int x0 = (int) Math.floor(r.x() / sx);
            int y0 = (int) Math.floor(r.y() / sy);
            int x1 = Math.min(level.width(), Math.max(x0 + 1, (int) Math.ceil((r.x() + r.width()) / sx - 1e-9)));
            int y1 = Math.min(level.height(), Math.max(y0 + 1, (int) Math.ceil((r.y() + r.height()) / sy - 1e-9)));
            return new Plan(level, x0, y0, x1, y1, x0 / level.tileWidth(), y0 / level.tileHeight(),
                    (x1 - 1) / level.tileWidth(), (y1 - 1) / level.tileHeight());
        }

        boolean tooBig() {
            return (long) (x1 - x0) * (y1 - y0) > ImageIoSource.MAX_DECODE_PIXELS;
        }
    }

    @Override
    public BufferedImage readRegion(RegionRequest request) throws IOException {
        check(request);
        Plan plan = Plan.of(source, request);
        if (plan.tooBig()) {
            return source.readRegion(request);
        }
        List<BufferedImage> tiles = new ArrayList<>();
        for (int row = plan.row0(); row <= plan.row1(); row++) {
            for (int col = plan.col0(); col <= plan.col1(); col++) {
                tiles.add(readTile(plan.level().index(), col, row));
            }
        }
        return assemble(plan, tiles, request);
    }

    /**
     * Reads a region asynchronously: its tiles are requested from the cache (decoded on the executor) and assembled
     * when all have arrived. Cancelling the returned future cancels its tile requests.
     */
    public CompletableFuture<BufferedImage> readRegionAsync(RegionRequest request) {
        check(request);
        Plan plan = Plan.of(source, request);
        if (plan.tooBig()) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return source.readRegion(request);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, executor);
        }
        List<CompletableFuture<BufferedImage>> parts = new ArrayList<>();
        for (int row = plan.row0(); row <= plan.row1(); row++) {
            for (int col = plan.col0(); col <= plan.col1(); col++) {
                parts.add(requestTile(plan.level().index(), col, row));
            }
        }
        CompletableFuture<BufferedImage> result = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> assemble(plan, parts.stream().map(CompletableFuture::join).toList(), request));
        result.whenComplete((image, error) -> {
            if (result.isCancelled()) {
                parts.forEach(part -> part.cancel(false));
            }
        });
        return result;
    }

    private void check(RegionRequest r) {
        if ((long) r.x() + r.width() > width() || (long) r.y() + r.height() > height()) {
            throw new IllegalArgumentException("region x=" + r.x() + " y=" + r.y() + " width=" + r.width()
                    + " height=" + r.height() + " is not inside the " + width() + "x" + height() + " image");
        }
    }

    private static BufferedImage assemble(Plan plan, List<BufferedImage> tiles, RegionRequest request) {
        PyramidLevel level = plan.level();
        BufferedImage out = Resampling.blank(tiles.get(0), plan.x1() - plan.x0(), plan.y1() - plan.y0());
        Graphics2D g = out.createGraphics();
        try {
            int i = 0;
            for (int row = plan.row0(); row <= plan.row1(); row++) {
                for (int col = plan.col0(); col <= plan.col1(); col++) {
                    g.drawImage(tiles.get(i++), col * level.tileWidth() - plan.x0(),
                            row * level.tileHeight() - plan.y0(), null);
                }
            }
        } finally {
            g.dispose();
        }
        return Resampling.resize(out, request.outputWidth(), request.outputHeight());
    }

    private static BufferedImage await(CompletableFuture<BufferedImage> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a tile");
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    /** Closes the file and drops its tiles from the cache. */
    @Override
    public void close() throws IOException {
        try {
            source.close();
        } finally {
            cache.invalidate(id());
        }
    }
}
