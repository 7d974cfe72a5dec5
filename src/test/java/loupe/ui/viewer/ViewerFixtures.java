package loupe.ui.viewer;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import loupe.core.imaging.region.ImageSource;
import loupe.core.imaging.region.PyramidLevel;
import loupe.core.imaging.region.RegionRequest;
import loupe.core.imaging.region.TileKey;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/** Images, annotation sources and image sources for the viewer tests. */
final class ViewerFixtures {

    static final Color GREY = new Color(128, 128, 128);

    private ViewerFixtures() {
    }

    /** A flat grey PNG (boxes drawn on it are easy to find by colour). */
    static Path greyPng(Path dir, String name, int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(GREY);
        g.fillRect(0, 0, w, h);
        g.dispose();
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** Two cars (class 0) and a person (class 1, with an attribute) on a 400x300 image; one problem. */
    static AnnotationSource threeBoxes() {
        return path -> new ImageAnnotations(List.of(
                Annotation.box(path, 0, new BoundingBox(40, 50, 100, 60)),
                Annotation.box(path, 0, new BoundingBox(200, 160, 120, 80)),
                new Annotation(path, 1, new BoundingBox(300, 40, 40, 90), List.of(), false,
                        Map.of("difficult", "1"))),
                List.of(Problem.of(ProblemKind.BOX_OUT_OF_BOUNDS, path, "a box lies partly outside")),
                Map.of(0, "car", 1, "person"));
    }

    /**
     * A tiled, JPEG-compressed pyramidal TIFF written by the JDK's TIFF writer: level 0 {@code w x h} in
     * {@code tile}-px tiles, then halvings down to about {@code tile} px. Pixels are generated tile by tile, so
     * no level is ever held whole in memory.
     */
    static Path pyramidTiff(Path file, int w, int h, int tile) throws IOException {
        ImageWriter writer = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("tiff"); it.hasNext(); ) {
            ImageWriter candidate = it.next();
            if (candidate.getClass().getName().startsWith("com.sun.imageio.")) {
                writer = candidate;
            }
        }
        if (writer == null) {
            throw new IOException("the JDK TIFF writer is missing");
        }
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            int lw = w;
            int lh = h;
            int level = 0;
            while (true) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
                param.setTiling(tile, tile, 0, 0);
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType("JPEG");
                param.setCompressionQuality(0.8f);
                writer.writeToSequence(new IIOImage(new Procedural(lw, lh, tile, (double) w / lw), null, null),
                        param);
                if (Math.max(lw, lh) <= tile) {
                    break;
                }
                lw = Math.max(1, lw / 2);
                lh = Math.max(1, lh / 2);
                level++;
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return file;
    }

    /** A smooth colour pattern computed per tile on demand (a RenderedImage the TIFF writer pulls tiles from). */
    private static final class Procedural implements RenderedImage {
        private final int width;
        private final int height;
        private final int tile;
        private final double downsample;
        private final SampleModel sampleModel;
        private final ColorModel colorModel;

        Procedural(int width, int height, int tile, double downsample) {
            this.width = width;
            this.height = height;
            this.tile = tile;
            this.downsample = downsample;
            BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
            this.colorModel = probe.getColorModel();
            this.sampleModel = new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, tile, tile, 3, 3 * tile,
                    new int[] {2, 1, 0});
        }

        @Override
        public Raster getTile(int tileX, int tileY) {
            WritableRaster r = Raster.createWritableRaster(sampleModel, new Point(tileX * tile, tileY * tile));
            int[] px = new int[3];
            for (int y = 0; y < tile; y++) {
                for (int x = 0; x < tile; x++) {
                    double gx = (tileX * tile + x) * downsample;
                    double gy = (tileY * tile + y) * downsample;
                    px[0] = (int) (150 + 60 * Math.sin(gx / 700.0));
                    px[1] = (int) (90 + 50 * Math.cos(gy / 500.0));
                    px[2] = (int) (160 + 60 * Math.sin((gx + gy) / 900.0));
                    r.setPixel(tileX * tile + x, tileY * tile + y, px);
                }
            }
            return r;
        }

        @Override
        public Raster getData() {
            return getData(new Rectangle(0, 0, width, height));
        }

        @Override
        public Raster getData(Rectangle rect) {
            WritableRaster out = colorModel.createCompatibleWritableRaster(rect.width, rect.height)
                    .createWritableTranslatedChild(rect.x, rect.y);
            copyData(out);
            return out;
        }

        @Override
        public WritableRaster copyData(WritableRaster raster) {
            Rectangle bounds = raster.getBounds().intersection(new Rectangle(0, 0, width, height));
            for (int ty = bounds.y / tile; ty <= (bounds.y + bounds.height - 1) / tile; ty++) {
                for (int tx = bounds.x / tile; tx <= (bounds.x + bounds.width - 1) / tile; tx++) {
                    Raster t = getTile(tx, ty);
                    Rectangle part = t.getBounds().intersection(bounds);
                    raster.setRect(t.createChild(part.x, part.y, part.width, part.height, part.x, part.y, null));
                }
            }
            return raster;
        }

        @Override
        public Vector<RenderedImage> getSources() {
            return null;
        }

        @Override
        public Object getProperty(String name) {
            return java.awt.Image.UndefinedProperty;
        }

        @Override
        public String[] getPropertyNames() {
            return null;
        }

        @Override
        public ColorModel getColorModel() {
            return colorModel;
        }

        @Override
        public SampleModel getSampleModel() {
            return sampleModel;
        }

        @Override
        public int getWidth() {
            return width;
        }

        @Override
        public int getHeight() {
            return height;
        }

        @Override
        public int getMinX() {
            return 0;
        }

        @Override
        public int getMinY() {
            return 0;
        }

        @Override
        public int getNumXTiles() {
            return (width + tile - 1) / tile;
        }

        @Override
        public int getNumYTiles() {
            return (height + tile - 1) / tile;
        }

        @Override
        public int getMinTileX() {
            return 0;
        }

        @Override
        public int getMinTileY() {
            return 0;
        }

        @Override
        public int getTileWidth() {
            return tile;
        }

        @Override
        public int getTileHeight() {
            return tile;
        }

        @Override
        public int getTileGridXOffset() {
            return 0;
        }

        @Override
        public int getTileGridYOffset() {
            return 0;
        }
    }

    /** Wraps a source and counts what it decodes: tiles per level and pixels. */
    static final class CountingSource implements ImageSource {
        final ImageSource inner;
        final Map<Integer, AtomicLong> tilesPerLevel = new ConcurrentHashMap<>();
        final AtomicLong regions = new AtomicLong();
        final AtomicLong pixels = new AtomicLong();

        CountingSource(ImageSource inner) {
            this.inner = inner;
        }

        long tiles(int level) {
            AtomicLong n = tilesPerLevel.get(level);
            return n == null ? 0 : n.get();
        }

        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public Path path() {
            return inner.path();
        }

        @Override
        public String format() {
            return inner.format();
        }

        @Override
        public List<PyramidLevel> levels() {
            return inner.levels();
        }

        @Override
        public BufferedImage readRegion(RegionRequest request) throws IOException {
            regions.incrementAndGet();
            BufferedImage image = inner.readRegion(request);
            pixels.addAndGet((long) image.getWidth() * image.getHeight());
            return image;
        }

        @Override
        public BufferedImage readTile(int level, int column, int row) throws IOException {
            tilesPerLevel.computeIfAbsent(level, l -> new AtomicLong()).incrementAndGet();
            BufferedImage image = inner.readTile(level, column, row);
            pixels.addAndGet((long) image.getWidth() * image.getHeight());
            return image;
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    /**
     * A single-level image of flat tiles that records which tiles were decoded; the first decode waits for
     * {@link #release} so a test can change the viewport while the decoder is busy.
     */
    static final class BlockingSource implements ImageSource {
        final int width;
        final int height;
        final int tile;
        final Set<TileKey> decoded = ConcurrentHashMap.newKeySet();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final AtomicLong calls = new AtomicLong();

        BlockingSource(int width, int height, int tile) {
            this.width = width;
            this.height = height;
            this.tile = tile;
        }

        void release() {
            release.countDown();
        }

        @Override
        public String id() {
            return "fake:blocking";
        }

        @Override
        public Path path() {
            return Path.of("fake.tif");
        }

        @Override
        public String format() {
            return "fake";
        }

        @Override
        public List<PyramidLevel> levels() {
            return List.of(new PyramidLevel(0, width, height, 1, tile, tile, true));
        }

        @Override
        public BufferedImage readRegion(RegionRequest request) {
            return new BufferedImage(request.outputWidth(), request.outputHeight(), BufferedImage.TYPE_INT_RGB);
        }

        @Override
        public BufferedImage readTile(int level, int column, int row) throws IOException {
            if (calls.getAndIncrement() == 0) {
                firstStarted.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            decoded.add(new TileKey(id(), level, column, row));
            return new BufferedImage(Math.min(tile, width - column * tile), Math.min(tile, height - row * tile),
                    BufferedImage.TYPE_INT_RGB);
        }

        @Override
        public void close() {
        }
    }
}
