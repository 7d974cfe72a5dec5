package loupe.core.imaging.region;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import loupe.core.imaging.CorruptImageException;

/**
 * {@link ImageSource} for tiled, JPEG-compressed TIFFs (whole-slide images, vips pyramids): reads the tile table
 * itself and hands each tile's bytes, prefixed with the file's shared JPEG tables, straight to the JDK's JPEG
 * decoder, which writes into the region's image at the tile's offset. Measured on a 40000x30000 slide, this decodes a
 * 1024x1024 region about twice as fast as going through the TIFF plugin (TwelveMonkeys), which builds its own stream
 * and colour conversion chain for every tile. Pyramid levels come from the main IFD chain and from SubIFDs.
 *
 * <p>Handles YCbCr (photometric 6), RGB (2: the JPEG data is RGB, marked so by an Adobe segment or its component
 * ids, which the JDK decoder honours) and greyscale (1) JPEG tiles in chunky layout; {@link #open} returns null for
 * anything else, and the caller falls back to {@link ImageIoSource}. Reads that would decode more than
 * {@link ImageIoSource#MAX_DECODE_PIXELS} at the chosen level go to that fallback too, which can subsample.
 * Thread-safe: the file is read with positional reads, decoders come from a pool of {@code maxReaders}.
 */
final class JpegTiffSource implements ImageSource {

    /** A level: its grid (possibly of several file tiles), the file's own tile size, and where its tiles are. */
    private record Level(PyramidLevel level, int fileTileWidth, int fileTileHeight, long[] offsets, long[] counts,
                         byte[] tables, boolean gray) {
    }

    private final Path path;
    private final FileChannel channel;
    private final List<Level> levels;
    private final List<PyramidLevel> pyramid;
    private final int maxReaders;
    private final ReaderPool decoders;
    private volatile boolean closed;
    private ImageSource fallback;        // guarded by this; opened on first need

    private JpegTiffSource(Path path, FileChannel channel, List<Level> levels, int maxReaders) {
        this.path = path;
        this.channel = channel;
        this.levels = levels;
        this.pyramid = levels.stream().map(Level::level).toList();
        this.maxReaders = maxReaders;
        this.decoders = new ReaderPool(path.toString(), maxReaders, () -> jdkJpegReader().createReaderInstance(),
                ImageReader::dispose);
    }

    /** The source, or null when the file is not a tiled JPEG TIFF this class handles. */
    static JpegTiffSource open(Path path, int maxReaders) throws IOException {
        if (jdkJpegReader() == null) {
            return null;
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        boolean keep = false;
        try {
            List<TiffDirectory> dirs = TiffDirectory.readAll(channel);
            if (dirs.isEmpty() || !eligible(dirs.get(0))) {
                return null;
            }
            int w0 = dirs.get(0).width();
            int h0 = dirs.get(0).height();
            List<Level> levels = new ArrayList<>();
            levels.add(level(dirs.get(0), 0, 1.0));
            List<TiffDirectory> smaller = new ArrayList<>(dirs.subList(1, dirs.size()));
            smaller.sort((a, b) -> Integer.compare(b.width(), a.width()));
            int previousWidth = w0;
            for (TiffDirectory d : smaller) {
                int w = d.width();
                int h = d.height();
                if (w <= 0 || h <= 0 || w >= previousWidth || !eligible(d)) {
                    continue;
                }
                double dx = (double) w0 / w;
                double dy = (double) h0 / h;
                if (Math.abs(dx - dy) <= Math.max(dx, dy) * (1.0 / Math.min(w, h) + 0.01)) {
                    levels.add(level(d, levels.size(), (dx + dy) / 2));
                    previousWidth = w;
                }
            }
            keep = true;
            return new JpegTiffSource(path, channel, List.copyOf(levels), maxReaders);
        } catch (IOException | RuntimeException e) {
            // Not a layout we understand: let the ImageIO path try (and report) it.
            return null;
        } finally {
            if (!keep) {
                channel.close();
            }
        }
    }

    private static boolean eligible(TiffDirectory d) {
        long photometric = d.number(TiffDirectory.PHOTOMETRIC, -1);
        long samples = d.number(TiffDirectory.SAMPLES_PER_PIXEL, 1);
        long[] offsets = d.numbers(TiffDirectory.TILE_OFFSETS);
        long[] counts = d.numbers(TiffDirectory.TILE_BYTE_COUNTS);
        long tw = d.number(TiffDirectory.TILE_WIDTH, 0);
        long th = d.number(TiffDirectory.TILE_LENGTH, 0);
        if (d.number(TiffDirectory.COMPRESSION, 1) != TiffHeader.COMPRESSION_JPEG || tw <= 0 || th <= 0
                || tw % 8 != 0 || th % 8 != 0 || offsets == null || counts == null
                || d.number(TiffDirectory.PLANAR_CONFIGURATION, 1) != 1 || d.width() <= 0 || d.height() <= 0) {
            return false;
        }
        long tiles = ((d.width() + tw - 1) / tw) * ((d.height() + th - 1) / th);
        if (offsets.length < tiles || counts.length < tiles) {
            return false;
        }
        return ((photometric == 6 || photometric == 2) && samples == 3) || (photometric == 1 && samples == 1);
    }

    private static Level level(TiffDirectory d, int index, double downsample) {
        int tw = (int) d.number(TiffDirectory.TILE_WIDTH, 0);
        int th = (int) d.number(TiffDirectory.TILE_LENGTH, 0);
        // The same grid as ImageIoSource: tiny file tiles grouped, so a viewer asks for fewer tiles.
        tw = tw * Math.max(1, (ImageIoSource.MIN_TILE + tw - 1) / tw);
        th = th * Math.max(1, (ImageIoSource.MIN_TILE + th - 1) / th);
        PyramidLevel level = new PyramidLevel(index, d.width(), d.height(), downsample, tw, th, true);
        return new Level(level, (int) d.number(TiffDirectory.TILE_WIDTH, 0),
                (int) d.number(TiffDirectory.TILE_LENGTH, 0), d.numbers(TiffDirectory.TILE_OFFSETS), d.numbers(TiffDirectory.TILE_BYTE_COUNTS),
                d.bytes(TiffDirectory.JPEG_TABLES), d.number(TiffDirectory.PHOTOMETRIC, 6) == 1);
    }

    private static javax.imageio.spi.ImageReaderSpi jdkJpegReader() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            javax.imageio.spi.ImageReaderSpi spi = r.getOriginatingProvider();
            r.dispose();
            if (spi != null && spi.getClass().getName().startsWith("com.sun.imageio.")) {
                return spi;
            }
        }
        return null;
    }

    @Override
    public String id() {
        return path.toString();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String format() {
        return "tif";
    }

    @Override
    public List<PyramidLevel> levels() {
        return pyramid;
    }

    @Override
    public BufferedImage readRegion(RegionRequest r) throws IOException {
        return readRegion(r, null);
    }

    @Override
    public BufferedImage readRegion(RegionRequest r, BufferedImage reuse) throws IOException {
        if ((long) r.x() + r.width() > width() || (long) r.y() + r.height() > height()) {
            throw new IllegalArgumentException("region x=" + r.x() + " y=" + r.y() + " width=" + r.width()
                    + " height=" + r.height() + " is not inside the " + width() + "x" + height() + " image");
        }
        PyramidLevel level = PyramidLevel.forDownsample(pyramid, r.downsample());
        double sx = (double) width() / level.width();
        double sy = (double) height() / level.height();
        int lx0 = (int) Math.floor(r.x() / sx);
        int ly0 = (int) Math.floor(r.y() / sy);
        int lx1 = Math.min(level.width(), Math.max(lx0 + 1, (int) Math.ceil((r.x() + r.width()) / sx - 1e-9)));
        int ly1 = Math.min(level.height(), Math.max(ly0 + 1, (int) Math.ceil((r.y() + r.height()) / sy - 1e-9)));
        if ((long) (lx1 - lx0) * (ly1 - ly0) > ImageIoSource.MAX_DECODE_PIXELS) {
            return fallback().readRegion(r);
        }
        boolean exact = lx1 - lx0 == r.outputWidth() && ly1 - ly0 == r.outputHeight();
        BufferedImage region = read(levels.get(level.index()), new Rectangle(lx0, ly0, lx1 - lx0, ly1 - ly0),
                exact ? reuse : null);
        return Resampling.resize(region, r.outputWidth(), r.outputHeight());
    }

    @Override
    public BufferedImage readTile(int levelIndex, int column, int row) throws IOException {
        Rectangle tile = PyramidLevel.tileRectangle(pyramid, levelIndex, column, row);
        return read(levels.get(levelIndex), tile, null);
    }

    /** Per decoding thread: the buffer a tile's JPEG stream is assembled in (grown as needed, never shrunk). */
    private static final ThreadLocal<byte[]> STREAM_BUFFER = ThreadLocal.withInitial(() -> new byte[1 << 16]);

    private static boolean reusable(BufferedImage image, Rectangle region, boolean gray) {
        if (image == null || image.getWidth() != region.width || image.getHeight() != region.height) {
            return false;
        }
        return gray ? image.getType() == BufferedImage.TYPE_BYTE_GRAY
                : image.getType() == BufferedImage.TYPE_CUSTOM && Resampling.isInterleavedRgb(image);
    }

    /** Decodes the tiles under {@code region} (level pixels) straight into one image ({@code reuse} if it fits). */
    private BufferedImage read(Level level, Rectangle region, BufferedImage reuse) throws IOException {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        PyramidLevel p = level.level();
        boolean reused = reusable(reuse, region, level.gray());
        BufferedImage out = reused ? reuse : level.gray()
                ? new BufferedImage(region.width, region.height, BufferedImage.TYPE_BYTE_GRAY)
                : Resampling.interleavedRgb(region.width, region.height);
        int ftw = level.fileTileWidth();
        int fth = level.fileTileHeight();
        int columns = (p.width() + ftw - 1) / ftw;
        int col0 = region.x / ftw;
        int col1 = (region.x + region.width - 1) / ftw;
        int row0 = region.y / fth;
        int row1 = (region.y + region.height - 1) / fth;
        ImageReader reader = borrow();
        boolean healthy = false;
        try {
            for (int row = row0; row <= row1; row++) {
                for (int col = col0; col <= col1; col++) {
                    int index = row * columns + col;
                    long offset = level.offsets()[index];
                    long count = level.counts()[index];
                    if (count <= 0) {
                        if (reused) {   // a sparse tile is black; a reused image may hold old pixels there
                            Rectangle part = new Rectangle(col * ftw, row * fth, ftw, fth).intersection(region);
                            java.awt.Graphics2D g = out.createGraphics();
                            g.setColor(java.awt.Color.BLACK);
                            g.fillRect(part.x - region.x, part.y - region.y, part.width, part.height);
                            g.dispose();
                        }
                        continue;
                    }
                    if (count > 64L << 20 || offset + count > channel.size()) {
                        throw new CorruptImageException("tile " + col + "," + row + " of " + path.getFileName()
                                + " lies outside the file");
                    }
                    Rectangle tile = new Rectangle(col * ftw, row * fth, ftw, fth);
                    Rectangle part = tile.intersection(region);
                    ImageReadParam param = reader.getDefaultReadParam();
                    param.setSourceRegion(new Rectangle(part.x - tile.x, part.y - tile.y, part.width, part.height));
                    param.setDestination(out);
                    param.setDestinationOffset(new java.awt.Point(part.x - region.x, part.y - region.y));
                    int length = jpeg(level.tables(), offset, (int) count);
                    try (ImageInputStream in = new com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream(
                            STREAM_BUFFER.get(), 0, length)) {
                        reader.setInput(in, true, true);
                        reader.read(0, param);
                    }
                }
            }
            healthy = true;
            return out;
        } catch (RuntimeException e) {
            throw new CorruptImageException("cannot decode a tile of " + path.getFileName() + ": " + e, e);
        } finally {
            giveBack(reader, healthy);
        }
    }

    /**
     * Assembles a complete JPEG stream in this thread's {@link #STREAM_BUFFER}: the shared tables without their end
     * marker, then the tile without its start marker (or the tile alone when there are no tables).
     *
     * @return the stream's length
     */
    private int jpeg(byte[] tables, long offset, int count) throws IOException {
        int head = tables == null || tables.length < 4 ? 0 : tables.length - 2;
        int skip = head > 0 ? 2 : 0;
        byte[] buffer = STREAM_BUFFER.get();
        if (buffer.length < head + count) {
            buffer = new byte[Math.max(head + count, buffer.length * 2)];
            STREAM_BUFFER.set(buffer);
        }
        if (head > 0) {
            System.arraycopy(tables, 0, buffer, 0, head);
        }
        // With tables, the tile's own start marker (its first 2 bytes) is not copied.
        java.nio.ByteBuffer target = java.nio.ByteBuffer.wrap(buffer, head, count - skip);
        long from = offset + skip;
        while (target.hasRemaining()) {
            if (channel.read(target, from + target.position() - head) < 0) {
                throw new CorruptImageException("tile at byte " + offset + " of " + path.getFileName()
                        + " ends early");
            }
        }
        return head + count - skip;
    }

    private ImageReader borrow() throws IOException {
        return decoders.borrow();
    }

    private void giveBack(ImageReader reader, boolean healthy) {
        reader.setInput(null);
        decoders.giveBack(reader, healthy);
    }

    private synchronized ImageSource fallback() throws IOException {
        if (fallback == null) {
            fallback = ImageIoSource.open(path, ImageSources.chooseReader(path), maxReaders);
        }
        return fallback;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        decoders.close();
        synchronized (this) {
            if (fallback != null) {
                fallback.close();
            }
        }
        channel.close();
    }

    @Override
    public String toString() {
        return "JpegTiffSource[" + path + ", " + levels.size() + " levels]";
    }
}
