package loupe.ui.viewer;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.imaging.region.CachedImageSource;
import loupe.core.imaging.region.PyramidLevel;
import loupe.core.imaging.region.TileKey;

/**
 * The pixels of one open image in the viewer: an overview picture of the whole image (loaded first) and the tiles
 * of the pyramid level the viewport needs, requested asynchronously through the core tile cache.
 *
 * <p>Each frame the viewer calls {@link #update} with the viewport: it works out the tiles in view at the coarsest
 * level that still has the needed resolution, cancels requests for tiles no longer in view (QuPath's
 * "requiresTileRegion" check: a backlog of stale tiles would delay the ones that matter), and requests the missing
 * ones, nearest the centre first. {@link #paint} then draws the overview stretched, coarser cached tiles over it
 * and the sharp tiles on top, so the picture refines as tiles arrive. A tile is converted to an FX image once, on
 * the tile executor, when it arrives; painting never converts or decodes.
 *
 * <p>{@link #update}, {@link #paint} and {@link #close} run on the FX thread; tile completions come from the
 * executor and call {@code onTileArrived} (which must be thread-safe, e.g. a merged repaint request).
 */
public final class TileLayer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TileLayer.class);

    /** Longest side of the overview: at fit on a large screen it is sharp enough on its own. */
    static final int OVERVIEW_MAX_SIDE = 2048;
    /** Coarser levels painted under the needed one while it loads. */
    private static final int FALLBACK_LEVELS = 3;

    private final CachedImageSource source;
    private final FxTileCache fxCache;
    private final Executor executor;
    private final Runnable onTileArrived;
    private final Map<TileKey, Request> pending = new ConcurrentHashMap<>();
    private final Set<TileKey> failed = ConcurrentHashMap.newKeySet();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong arrived = new AtomicLong();
    private volatile Image overview;
    private final double overviewDownsample;
    private volatile CompletableFuture<?> overviewLoad;
    private volatile String failure;
    private Plan lastPlan;
    private boolean closed;

    private record Request(CompletableFuture<BufferedImage> tile) {
    }

    /** The tiles a viewport needs. {@code level} is null when the overview alone is sharp enough. */
    public record Plan(PyramidLevel level, List<TileKey> tiles) {
    }

    /**
     * @param source        the open image; not closed by this layer
     * @param fxCache       converted tiles, usually shared by every image
     * @param executor      runs tile decodes and conversions (bounded)
     * @param onTileArrived called from any thread when a tile or the overview arrives
     */
    public TileLayer(CachedImageSource source, FxTileCache fxCache, Executor executor, Runnable onTileArrived) {
        this.source = source;
        this.fxCache = fxCache;
        this.executor = executor;
        this.onTileArrived = onTileArrived;
        // Known before the overview arrives, so the first frames do not ask for tiles the overview will cover.
        this.overviewDownsample = Math.max(1, Math.max(source.width(), source.height()) / (double) overviewMaxSide());
    }

    private int overviewMaxSide() {
        return Math.min(OVERVIEW_MAX_SIDE, Math.max(source.width(), source.height()));
    }

    public CachedImageSource source() {
        return source;
    }

    /** Starts loading the overview (once). */
    public synchronized void loadOverview() {
        if (overviewLoad != null) {
            return;
        }
        int maxSide = overviewMaxSide();
        overviewLoad = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedImage thumb = source.thumbnail(maxSide);
                Image fx = FxImages.toFx(thumb);
                overview = fx;
                onTileArrived.run();
                return fx;
            } catch (Exception e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.warn("cannot read an overview of {}", source.path(), e);
                onTileArrived.run();
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** The overview's downsample (full-resolution pixels per overview pixel). */
    public double overviewDownsample() {
        return overviewDownsample;
    }

    public boolean hasOverview() {
        return overview != null;
    }

    /** Why the image could not be read, or null. */
    public String failure() {
        return failure;
    }

    /**
     * The tiles {@code viewport} needs: in view (through {@code orientation}), at the coarsest level with at least
     * the viewport's resolution, nearest the view's centre first.
     */
    public Plan plan(Viewport viewport, Orientation orientation) {
        double w = source.width();
        double h = source.height();
        PyramidLevel level = PyramidLevel.forDownsample(source.levels(), viewport.downsample());
        if (level.downsample() >= overviewDownsample * 0.999) {
            return new Plan(null, List.of());
        }
        double[] a = orientation.toStored(viewport.toImageX(0), viewport.toImageY(0), w, h);
        double[] b = orientation.toStored(viewport.toImageX(viewport.width()), viewport.toImageY(viewport.height()),
                w, h);
        double x0 = Math.max(0, Math.min(a[0], b[0]));
        double y0 = Math.max(0, Math.min(a[1], b[1]));
        double x1 = Math.min(w, Math.max(a[0], b[0]));
        double y1 = Math.min(h, Math.max(a[1], b[1]));
        if (x1 <= x0 || y1 <= y0) {
            return new Plan(level, List.of());
        }
        List<TileKey> tiles = tilesIn(level, x0, y0, x1, y1);
        double cx = (x0 + x1) / 2;
        double cy = (y0 + y1) / 2;
        double sx = w / level.width();
        double sy = h / level.height();
        tiles.sort(Comparator.comparingDouble(k -> {
            double tx = (k.column() + 0.5) * level.tileWidth() * sx - cx;
            double ty = (k.row() + 0.5) * level.tileHeight() * sy - cy;
            return tx * tx + ty * ty;
        }));
        return new Plan(level, tiles);
    }

    private List<TileKey> tilesIn(PyramidLevel level, double x0, double y0, double x1, double y1) {
        double sx = (double) source.width() / level.width();
        double sy = (double) source.height() / level.height();
        int c0 = clamp((int) Math.floor(x0 / sx / level.tileWidth()), level.columns());
        int c1 = clamp((int) Math.floor((x1 / sx - 1e-9) / level.tileWidth()), level.columns());
        int r0 = clamp((int) Math.floor(y0 / sy / level.tileHeight()), level.rows());
        int r1 = clamp((int) Math.floor((y1 / sy - 1e-9) / level.tileHeight()), level.rows());
        List<TileKey> tiles = new ArrayList<>((c1 - c0 + 1) * (r1 - r0 + 1));
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                tiles.add(new TileKey(source.id(), level.index(), c, r));
            }
        }
        return tiles;
    }

    private static int clamp(int v, int count) {
        return Math.max(0, Math.min(count - 1, v));
    }

    /**
     * Plans the viewport's tiles, cancels pending requests for tiles it no longer needs and requests the missing
     * ones. FX thread.
     */
    public Plan update(Viewport viewport, Orientation orientation) {
        if (closed) {
            return new Plan(null, List.of());
        }
        loadOverview();
        Plan plan = plan(viewport, orientation);
        lastPlan = plan;
        Set<TileKey> wanted = new HashSet<>(plan.tiles());
        for (Map.Entry<TileKey, Request> e : pending.entrySet()) {
            if (!wanted.contains(e.getKey()) && pending.remove(e.getKey(), e.getValue())) {
                e.getValue().tile().cancel(false);
                cancelled.incrementAndGet();
            }
        }
        for (TileKey key : plan.tiles()) {
            if (!pending.containsKey(key) && !fxCache.contains(key) && !failed.contains(key)) {
                request(key);
            }
        }
        return plan;
    }

    private void request(TileKey key) {
        requested.incrementAndGet();
        CompletableFuture<BufferedImage> tile = source.requestTile(key.level(), key.column(), key.row());
        Request request = new Request(tile);
        pending.put(key, request);
        tile.thenApplyAsync(FxImages::toFx, executor).whenComplete((image, error) -> {
            // Cached (or marked failed) before it stops being pending: an update on the FX thread in between
            // would otherwise find the tile in neither and request it again.
            if (error == null) {
                fxCache.put(key, image);
            } else if (!(unwrap(error) instanceof CancellationException)) {
                failed.add(key);
            }
            pending.remove(key, request);
            if (error == null) {
                arrived.incrementAndGet();
                onTileArrived.run();
            } else if (!(unwrap(error) instanceof CancellationException)) {
                LOG.warn("cannot read tile {} of {}", key, source.path(), unwrap(error));
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** True when everything the last planned viewport needs is painted at full sharpness. */
    public boolean isSharp() {
        Plan plan = lastPlan;
        if (plan == null || overview == null) {
            return false;
        }
        for (TileKey key : plan.tiles()) {
            if (!fxCache.contains(key) && !failed.contains(key)) {
                return false;
            }
        }
        return true;
    }

    /** Tile requests waiting or decoding. */
    public int pendingCount() {
        return pending.size();
    }

    /** Counters since creation: tiles requested, requests cancelled as stale, tiles arrived. */
    public record Stats(long requested, long cancelled, long arrived) {
    }

    public Stats stats() {
        return new Stats(requested.get(), cancelled.get(), arrived.get());
    }

    /**
     * Paints the image: the overview, then cached tiles of up to {@value #FALLBACK_LEVELS} coarser levels, then
     * the needed level's cached tiles. FX thread.
     */
    public void paint(GraphicsContext g, Viewport viewport, Orientation orientation, Plan plan) {
        double w = source.width();
        double h = source.height();
        Image ov = overview;
        if (plan == null || plan.level() == null) {
            if (ov != null) {
                drawImage(g, ov, viewport, orientation, 0, 0, w, h);
            }
            return;
        }
        List<Image> sharp = new ArrayList<>(plan.tiles().size());
        for (TileKey key : plan.tiles()) {
            Image tile = fxCache.get(key);
            if (tile == null) {
                break;
            }
            sharp.add(tile);
        }
        if (sharp.size() == plan.tiles().size()) {
            // Everything in view is sharp: skip the overview and coarser levels (the software pipeline pays for
            // every pixel drawn, and a stretched overview under opaque tiles is pure overdraw).
            for (int i = 0; i < sharp.size(); i++) {
                drawTile(g, sharp.get(i), plan.level(), plan.tiles().get(i), viewport, orientation);
            }
            return;
        }
        if (ov != null) {
            drawImage(g, ov, viewport, orientation, 0, 0, w, h);
        }
        List<PyramidLevel> levels = source.levels();
        int target = plan.level().index();
        for (int i = Math.min(levels.size() - 1, target + FALLBACK_LEVELS); i > target; i--) {
            PyramidLevel level = levels.get(i);
            if (level.downsample() >= overviewDownsample * 0.999) {
                continue;
            }
            for (TileKey key : tilesIn(level, viewport, orientation)) {
                Image tile = fxCache.get(key);
                if (tile != null) {
                    drawTile(g, tile, level, key, viewport, orientation);
                }
            }
        }
        for (TileKey key : plan.tiles()) {
            Image tile = fxCache.get(key);
            if (tile != null) {
                drawTile(g, tile, plan.level(), key, viewport, orientation);
            }
        }
    }

    private List<TileKey> tilesIn(PyramidLevel level, Viewport viewport, Orientation orientation) {
        double w = source.width();
        double h = source.height();
        double[] a = orientation.toStored(viewport.toImageX(0), viewport.toImageY(0), w, h);
        double[] b = orientation.toStored(viewport.toImageX(viewport.width()), viewport.toImageY(viewport.height()),
                w, h);
        double x0 = Math.max(0, Math.min(a[0], b[0]));
        double y0 = Math.max(0, Math.min(a[1], b[1]));
        double x1 = Math.min(w, Math.max(a[0], b[0]));
        double y1 = Math.min(h, Math.max(a[1], b[1]));
        return x1 <= x0 || y1 <= y0 ? List.of() : tilesIn(level, x0, y0, x1, y1);
    }

    private void drawTile(GraphicsContext g, Image tile, PyramidLevel level, TileKey key, Viewport viewport,
                          Orientation orientation) {
        double sx = (double) source.width() / level.width();
        double sy = (double) source.height() / level.height();
        int lx0 = key.column() * level.tileWidth();
        int ly0 = key.row() * level.tileHeight();
        int lx1 = Math.min(level.width(), lx0 + level.tileWidth());
        int ly1 = Math.min(level.height(), ly0 + level.tileHeight());
        // Edge tiles of the last column/row end exactly at the image edge, whatever the level's rounding.
        double x1 = lx1 == level.width() ? source.width() : lx1 * sx;
        double y1 = ly1 == level.height() ? source.height() : ly1 * sy;
        drawImage(g, tile, viewport, orientation, lx0 * sx, ly0 * sy, x1, y1);
    }

    /**
     * Draws {@code image}, which shows the stored-frame rectangle {@code (x0, y0)-(x1, y1)}, where that rectangle
     * lies on screen. The screen edges are rounded to whole pixels so neighbouring tiles meet without seams.
     */
    private void drawImage(GraphicsContext g, Image image, Viewport v, Orientation o, double x0, double y0,
                           double x1, double y1) {
        double w = source.width();
        double h = source.height();
        double[] d = o.rectToDisplay(x0, y0, x1, y1, w, h);
        double sx0 = Math.round(v.toScreenX(d[0]));
        double sy0 = Math.round(v.toScreenY(d[1]));
        double sx1 = Math.round(v.toScreenX(d[2]));
        double sy1 = Math.round(v.toScreenY(d[3]));
        if (sx1 <= 0 || sy1 <= 0 || sx0 >= v.width() || sy0 >= v.height() || sx1 <= sx0 || sy1 <= sy0) {
            return;
        }
        double dw = sx1 - sx0;
        double dh = sy1 - sy0;
        if (o.isNormal()) {
            g.drawImage(image, sx0, sy0, dw, dh);
            return;
        }
        double iw = image.getWidth();
        double ih = image.getHeight();
        double[] m = o.unit();
        g.save();
        g.setTransform(dw * m[0] / iw, dh * m[3] / iw, dw * m[1] / ih, dh * m[4] / ih, sx0 + dw * m[2],
                sy0 + dh * m[5]);
        g.drawImage(image, 0, 0);
        g.restore();
    }

    /** Cancels every pending request; the source stays open (its owner closes it). */
    @Override
    public void close() {
        closed = true;
        for (Map.Entry<TileKey, Request> e : pending.entrySet()) {
            if (pending.remove(e.getKey(), e.getValue())) {
                e.getValue().tile().cancel(false);
            }
        }
        CompletableFuture<?> load = overviewLoad;
        if (load != null) {
            load.cancel(false);
        }
        fxCache.invalidate(source.id());
        overview = null;
    }
}
