package loupe.core.imaging.region;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

import loupe.core.imaging.CorruptImageException;

/**
 * {@link ImageSource} over an ImageIO reader: a pool of up to {@code maxReaders} readers, each with its own stream,
 * created on demand. Pyramid levels are the file's further images (TIFF pages / IFDs) that are smaller than the
 * previous one and keep the full image's aspect ratio; other images (a label, a macro photo, a thumbnail strip of
 * another shape) are ignored.
 */
final class ImageIoSource implements ImageSource {

    /** Grid of non-tiled files: big, because every read of a baseline JPEG decodes the rows above it again. */
    static final int VIRTUAL_TILE = 1024;
    /** Files with tiny tiles (16 px happen) get a grid of several file tiles, so a viewer asks for fewer tiles. */
    static final int MIN_TILE = 256;
    /** Above this many pixels at the chosen level, a read subsamples so that the decoded region stays small. */
    static final long MAX_DECODE_PIXELS = 16L << 20;

    private final Path path;
    private final String id;
    private final ImageReaderSpi spi;
    private final String format;
    private final List<PyramidLevel> levels;
    private final int[] imageIndex;
    private final int maxReaders;
    private final ReaderPool readers;

    private ImageIoSource(Path path, ImageReaderSpi spi, String format, List<PyramidLevel> levels, int[] imageIndex,
                          int maxReaders) {
        this.path = path;
        this.id = path.toString();
        this.spi = spi;
        this.format = format;
        this.levels = List.copyOf(levels);
        this.imageIndex = imageIndex;
        this.maxReaders = maxReaders;
        this.readers = new ReaderPool(path.toString(), maxReaders, () -> newReader(path, spi),
                ImageIoSource::dispose);
    }

    static ImageIoSource open(Path path, ImageReaderSpi spi, int maxReaders) throws IOException {
        ImageReader reader = newReader(path, spi);
        boolean keep = false;
        try {
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            boolean tiff = format.contains("tif");
            int count = tiff ? reader.getNumImages(true) : 1;
            List<PyramidLevel> levels = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            int w0 = reader.getWidth(0);
            int h0 = reader.getHeight(0);
            if (w0 <= 0 || h0 <= 0) {
                throw new CorruptImageException("invalid image size " + w0 + "x" + h0 + " in " + path.getFileName());
            }
            levels.add(level(reader, 0, 0, w0, h0, 1.0));
            indexes.add(0);
            int previousWidth = w0;
            for (int i = 1; i < count; i++) {
                int w = reader.getWidth(i);
                int h = reader.getHeight(i);
                double dx = (double) w0 / w;
                double dy = (double) h0 / h;
                // Same shape (both ratios agree to within a pixel's rounding) and smaller than the last level.
                boolean sameShape = Math.abs(dx - dy) <= Math.max(dx, dy) * (1.0 / Math.min(w, h) + 0.01);
                if (w > 0 && h > 0 && w < previousWidth && sameShape) {
                    levels.add(level(reader, levels.size(), i, w, h, (dx + dy) / 2));
                    indexes.add(i);
                    previousWidth = w;
                }
            }
            ImageIoSource source = new ImageIoSource(path, spi, format, levels,
                    indexes.stream().mapToInt(Integer::intValue).toArray(), maxReaders);
            source.readers.adopt(reader);
            keep = true;
            return source;
        } catch (RuntimeException e) {
            throw new CorruptImageException("unreadable image header in " + path.getFileName() + ": " + e, e);
        } finally {
            if (!keep) {
                dispose(reader);
            }
        }
    }

    private static PyramidLevel level(ImageReader reader, int level, int image, int w, int h, double downsample)
            throws IOException {
        boolean tiled = reader.isImageTiled(image);
        int tw = tiled ? reader.getTileWidth(image) : VIRTUAL_TILE;
        int th = tiled ? reader.getTileHeight(image) : VIRTUAL_TILE;
        if (tw <= 0 || th <= 0 || (tw >= w && th >= h && !tiled)) {
            tw = th = VIRTUAL_TILE;
        }
        tw = tw * Math.max(1, (MIN_TILE + tw - 1) / tw);
        th = th * Math.max(1, (MIN_TILE + th - 1) / th);
        return new PyramidLevel(level, w, h, downsample, tw, th, tiled);
    }

    private static ImageReader newReader(Path path, ImageReaderSpi spi) throws IOException {
        ImageInputStream in = ImageIO.createImageInputStream(path.toFile());
        if (in == null) {
            throw new IOException("cannot open " + path);
        }
        try {
            ImageReader reader = spi.createReaderInstance();
            reader.setInput(in, false, true);
            return reader;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public List<PyramidLevel> levels() {
        return levels;
    }

    @Override
    public BufferedImage readRegion(RegionRequest r) throws IOException {
        if ((long) r.x() + r.width() > width() || (long) r.y() + r.height() > height()) {
            throw new IllegalArgumentException("region x=" + r.x() + " y=" + r.y() + " width=" + r.width()
                    + " height=" + r.height() + " is not inside the " + width() + "x" + height() + " image");
        }
        int outW = r.outputWidth();
        int outH = r.outputHeight();
        if ((long) outW * outH > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("region of " + outW + "x" + outH + " pixels is too large to hold");
        }
        PyramidLevel level = PyramidLevel.forDownsample(levels, r.downsample());
        double sx = (double) width() / level.width();
        double sy = (double) height() / level.height();
        int lx0 = (int) Math.floor(r.x() / sx);
        int ly0 = (int) Math.floor(r.y() / sy);
        int lx1 = Math.min(level.width(), Math.max(lx0 + 1, (int) Math.ceil((r.x() + r.width()) / sx - 1e-9)));
        int ly1 = Math.min(level.height(), Math.max(ly0 + 1, (int) Math.ceil((r.y() + r.height()) / sy - 1e-9)));
        int lw = lx1 - lx0;
        int lh = ly1 - ly0;
        // Subsample only as far as the result still has at least the requested resolution.
        int maxSub = (int) Math.max(1, Math.floor(Math.min((double) lw / outW, (double) lh / outH)));
        int sub = 1;
        while (sub < maxSub && (long) ceilDiv(lw, sub) * ceilDiv(lh, sub) > MAX_DECODE_PIXELS) {
            sub++;
        }
        BufferedImage read = read(level.index(), new Rectangle(lx0, ly0, lw, lh), sub);
        return Resampling.resize(read, outW, outH);
    }

    @Override
    public BufferedImage readTile(int levelIndex, int column, int row) throws IOException {
        return read(levelIndex, PyramidLevel.tileRectangle(levels, levelIndex, column, row), 1);
    }

    private BufferedImage read(int levelIndex, Rectangle region, int subsampling) throws IOException {
        ImageReader reader = borrow();
        boolean healthy = false;
        try {
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceRegion(region);
            if (subsampling > 1) {
                param.setSourceSubsampling(subsampling, subsampling, 0, 0);
            }
            BufferedImage image = reader.read(imageIndex[levelIndex], param);
            healthy = true;
            return image;
        } catch (RuntimeException e) {
            // Decoders signal damaged data with all kinds of runtime exceptions; the reader may be left broken.
            throw new CorruptImageException("cannot decode " + region.width + "x" + region.height + " at "
                    + region.x + "," + region.y + " of level " + levelIndex + " in " + path.getFileName() + ": " + e,
                    e);
        } finally {
            giveBack(reader, healthy);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private ImageReader borrow() throws IOException {
        return readers.borrow();
    }

    private void giveBack(ImageReader reader, boolean healthy) {
        readers.giveBack(reader, healthy);
    }

    private static void dispose(ImageReader reader) {
        Object input = reader.getInput();
        reader.dispose();
        if (input instanceof ImageInputStream in) {
            try {
                in.close();
            } catch (IOException e) {
                // Closing a read-only file stream: nothing to lose.
            }
        }
    }

    @Override
    public void close() {
        readers.close();
    }

    @Override
    public String toString() {
        return "ImageIoSource[" + path + ", " + spi.getClass().getName() + ", " + levels.size() + " levels]";
    }
}
