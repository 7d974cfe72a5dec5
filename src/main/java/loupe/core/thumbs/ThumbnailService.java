package loupe.core.thumbs;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import loupe.core.imaging.CorruptImageException;
import loupe.core.imaging.NativeJpeg;
import loupe.core.imaging.ScaledJpegDecoder;
import loupe.core.index.CatalogLocation;

/**
 * Makes and caches thumbnails: the image scaled to fit a square of {@link #sizePx()} pixels, aspect kept.
 * A big image is not decoded whole: the reader subsamples its source rows and columns (or, for a multi-image
 * TIFF pyramid, reads the smallest level that is still big enough), then the result is scaled by averaging.
 *
 * <p>Thumbnails are kept as JPEG files under {@code cacheDir}, named by a hash of the image file's absolute path,
 * size, modification time, the thumbnail size and (when not 1) the EXIF orientation applied, so a changed file
 * gets a new thumbnail. The cache folder is
 * Loupe's ({@link #defaultCacheDir()}), never the dataset. Files appear atomically (temp file, then rename), so a
 * concurrent reader sees a whole thumbnail or none.
 *
 * <p>Thread-safe: every method may be called from several threads at once (the gallery uses a small pool).
 */
public final class ThumbnailService {

    /** The thumbnail size the gallery uses. */
    public static final int DEFAULT_SIZE_PX = 256;
    /** Images with more pixels than this (after subsampling) are refused instead of allocated. */
    private static final long MAX_DECODED_PIXELS = 64L * 1024 * 1024;
    private static final float JPEG_QUALITY = 0.85f;
    /** JPEGs up to this size are read whole for {@link ScaledJpegDecoder}; bigger ones go through ImageIO. */
    private static final long MAX_SCALED_JPEG_BYTES = 64L * 1024 * 1024;
    /** Smaller JPEGs are rarely 8 times the thumbnail size: they go to ImageIO without being read twice. */
    private static final long MIN_SCALED_JPEG_BYTES = 128 * 1024;

    private final Path cacheDir;
    private final int sizePx;
    /** Cache folders made (or found) by this service, so that a write does not check its folder every time. */
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();

    /**
     * @param cacheDir the folder thumbnails are written to (created when needed)
     * @param sizePx   the longest side of a thumbnail, in pixels
     */
    public ThumbnailService(Path cacheDir, int sizePx) {
        if (sizePx < 16 || sizePx > 2048) {
            throw new IllegalArgumentException("thumbnail size " + sizePx + " px is outside 16..2048");
        }
        this.cacheDir = cacheDir;
        this.sizePx = sizePx;
    }

    /** {@code <Loupe cache>/thumbnails}, beside the catalogs (see {@link CatalogLocation#cacheDirectory()}). */
    public static Path defaultCacheDir() {
        return CatalogLocation.cacheDirectory().resolve("thumbnails");
    }

    public int sizePx() {
        return sizePx;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** A thumbnail and where it came from. */
    public record Thumbnail(BufferedImage image, boolean fromCache) {
    }

    /**
     * The thumbnail of {@code imageFile}: read from the disk cache when it holds one for this size and mtime,
     * else made and written to the cache.
     *
     * @param size  the image file's size in bytes, as indexed (part of the cache key)
     * @param mtime the image file's modification time in ms, as indexed (part of the cache key)
     * @throws NoSuchFileException   when the image file does not exist
     * @throws CorruptImageException when no reader can decode it
     * @throws IOException           when it cannot be read
     */
    public Thumbnail load(Path imageFile, long size, long mtime) throws IOException {
        return load(imageFile, size, mtime, 1);
    }

    /**
     * As {@link #load(Path, long, long)}, the thumbnail turned by the image's EXIF {@code orientation} (1..8, as
     * the catalog has it from the header; 0 or 1 for none), so that it shows the photo as it is meant to be seen.
     * Thumbnails of orientation 1 are keyed as before orientation was applied, so existing caches stay valid;
     * the others get a key of their own (an old cache file of such an image holds the unturned pixels).
     */
    public Thumbnail load(Path imageFile, long size, long mtime, int orientation) throws IOException {
        int o = orientation >= 2 && orientation <= 8 ? orientation : 1;
        Path cached = cacheFile(imageFile, size, mtime, o);
        if (Files.isRegularFile(cached)) {
            BufferedImage image = readCached(cached);
            if (image != null) {
                return new Thumbnail(image, true);
            }
            // A damaged cache file is made again below.
        }
        BufferedImage thumbnail = orient(generate(imageFile), o);
        write(thumbnail, cached);
        return new Thumbnail(thumbnail, false);
    }

    /**
     * The bytes of the cached thumbnail of {@code imageFile} (a baseline JPEG this class wrote), or null when the
     * cache holds none or a damaged one (see {@link #looksWhole}). Reads one small file and decodes nothing, so
     * a caller can decode it with a decoder of its own (the gallery hands it to JavaFX's, which yields the image
     * it shows without ImageIO's reader look-up and pixel conversion). A null means: call {@link #load}, which
     * makes the thumbnail again.
     */
    public byte[] cachedJpeg(Path imageFile, long size, long mtime, int orientation) {
        int o = orientation >= 2 && orientation <= 8 ? orientation : 1;
        try {
            byte[] bytes = Files.readAllBytes(cacheFile(imageFile, size, mtime, o));
            return looksWhole(bytes) ? bytes : null;
        } catch (IOException | RuntimeException e) {
            return null; // none yet (NoSuchFileException), or unreadable: made again by load
        }
    }

    /**
     * True when {@code jpeg} starts with a JPEG's SOI marker and ends with its EOI marker, as every file the
     * encoder writes does. A file cut short (a full disk, a crash of another program writing the cache folder)
     * fails this; JPEG decoders would show it with its missing part grey instead of failing.
     */
    static boolean looksWhole(byte[] jpeg) {
        int n = jpeg.length;
        return n >= 4 && (jpeg[0] & 0xff) == 0xFF && (jpeg[1] & 0xff) == 0xD8
                && (jpeg[n - 2] & 0xff) == 0xFF && (jpeg[n - 1] & 0xff) == 0xD9;
    }

    /** A cached thumbnail, or null when it is damaged or cannot be read (it is then made again). */
    private static BufferedImage readCached(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (!looksWhole(bytes)) {
                return null;
            }
            // In memory: ImageIO.createImageInputStream on a stream would cache it in a temp file.
            try (ImageInputStream in = new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
                List<ImageReader> readers = readers(in);
                if (readers.isEmpty()) {
                    return null;
                }
                ImageReader reader = readers.get(0);
                try {
                    reader.setInput(in, true, true);
                    return reader.read(0);
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Where the thumbnail of an image file with this size and mtime is cached (it may not exist). */
    public Path cacheFile(Path imageFile, long size, long mtime) {
        return cacheFile(imageFile, size, mtime, 1);
    }

    /** Where the thumbnail of an image file with this size, mtime and EXIF orientation is cached. */
    public Path cacheFile(Path imageFile, long size, long mtime, int orientation) {
        String key = imageFile.toAbsolutePath().normalize() + "\n" + size + "\n" + mtime + "\n" + sizePx
                + (orientation >= 2 && orientation <= 8 ? "\norientation " + orientation : "");
        String hash = sha256(key);
        return cacheDir.resolve(String.valueOf(sizePx)).resolve(hash.substring(0, 2)).resolve(hash + ".jpg");
    }

    /** Makes the thumbnail of {@code imageFile} without touching the cache. */
    public BufferedImage generate(Path imageFile) throws IOException {
        BufferedImage reduced = decodeScaledJpeg(imageFile);
        if (reduced != null) {
            return scale(reduced, sizePx); // the native decoder's thumbnails are already to size: returned as is
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(imageFile.toFile())) {
            if (in == null) {
                throw new NoSuchFileException(imageFile.toString());
            }
            List<ImageReader> readers = readers(in);
            if (readers.isEmpty()) {
                throw new CorruptImageException(imageFile + ": no image reader recognises this file");
            }
            Exception first = null;
            for (ImageReader reader : readers) {
                try {
                    in.seek(0);
                    return scale(decode(reader, in, imageFile), sizePx);
                } catch (CorruptImageException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    // Readers throw IIOException, or runtime exceptions on damaged data; another reader of the
                    // same format (the JDK's or TwelveMonkeys') may still read it.
                    first = first == null ? e : first;
                } finally {
                    reader.dispose();
                }
            }
            throw new CorruptImageException(imageFile + ": " + first.getMessage(), first);
        }
    }

    /**
     * The readers for {@code in}, the JDK's JPEG reader first. NOTE: with source subsampling it decoded these
     * thumbnails 20-40% faster than TwelveMonkeys' here (the reverse of a full decode, see TECH.md); TwelveMonkeys
     * stays as the fallback for JPEGs the JDK cannot read (CMYK, some broken files).
     */
    private static List<ImageReader> readers(ImageInputStream in) {
        List<ImageReader> list = new ArrayList<>();
        ImageIO.getImageReaders(in).forEachRemaining(list::add);
        list.sort(Comparator.comparingInt(r -> r.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg")
                ? 0 : 1));
        return list;
    }

    /**
     * A JPEG decoded already reduced, in the DCT domain, or null for any other file, or one that cannot be read
     * here: those go through ImageIO, which reports missing and damaged files as it always has.
     *
     * <p>With the system's libjpeg ({@link NativeJpeg}) every JPEG is decoded at the smallest 1/2, 1/4 or 1/8 still
     * at least the thumbnail size, and averaged down to it natively as {@link #scale} would. Without
     * it, the pure-Java {@link ScaledJpegDecoder} takes only big baseline JPEGs, at 1/8.
     *
     * <p>NOTE: the Java decoder only where it measured faster. At 1/8 it does no IDCT at all, and a 4000 x 3000
     * JPEG took 11.7 ms against 16.8 ms for the JDK's subsampled read (3000 x 2000: 6.7 against 9.3 ms). For the
     * 480-640 px JPEGs of issue 5 (1/2 or 1/1) its pure-Java Huffman decoding alone costs about what libjpeg's
     * whole decode does (1.11 against 1.06 ms of CPU per image), so without the native decoder those stay with
     * ImageIO, and files under {@link #MIN_SCALED_JPEG_BYTES} are not even read for the check.
     */
    private BufferedImage decodeScaledJpeg(Path imageFile) {
        boolean nativeJpeg = NativeJpeg.available();
        try (SeekableByteChannel channel = Files.newByteChannel(imageFile)) {
            long size = channel.size();
            if ((size < MIN_SCALED_JPEG_BYTES && !nativeJpeg) || size < 3 || size > MAX_SCALED_JPEG_BYTES) {
                return null;
            }
            byte[] data = new byte[(int) size];
            ByteBuffer buffer = ByteBuffer.wrap(data, 0, 3);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // the three bytes every JPEG starts with
            }
            if ((data[0] & 0xff) != 0xFF || (data[1] & 0xff) != 0xD8 || (data[2] & 0xff) != 0xFF) {
                return null;
            }
            buffer.limit(data.length);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // the rest; a file that shrank meanwhile leaves zeros, which the decoders refuse as damaged
            }
            if (nativeJpeg) {
                BufferedImage image = NativeJpeg.thumbnail(data, buffer.position(), sizePx, MAX_DECODED_PIXELS);
                if (image != null || size < MIN_SCALED_JPEG_BYTES) {
                    return image;
                }
            }
            return ScaledJpegDecoder.decode(data, buffer.position(), sizePx, 8);
        } catch (IOException e) {
            return null;
        }
    }

    private BufferedImage decode(ImageReader reader, ImageInputStream in, Path imageFile) throws IOException {
        reader.setInput(in, false, true);
        int index = level(reader);
        int w = reader.getWidth(index);
        int h = reader.getHeight(index);
        if (w <= 0 || h <= 0) {
            throw new CorruptImageException(imageFile + ": image size " + w + "x" + h);
        }
        // Subsample to no less than the thumbnail size: scaling the rest down by averaging avoids the aliasing
        // of subsampling all the way.
        int step = Math.max(1, Math.max(w, h) / sizePx);
        if ((long) (w / step) * (h / step) > MAX_DECODED_PIXELS) {
            throw new CorruptImageException(imageFile + ": " + w + "x" + h + " is too big to preview");
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(step, step, 0, 0);
        return reader.read(index, param);
    }

    /**
     * The image to read: the first, or for a TIFF with several images (a pyramid), the smallest one whose longest
     * side is still at least the thumbnail size.
     */
    private int level(ImageReader reader) throws IOException {
        String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
        if (!format.contains("tif")) {
            return 0;
        }
        int count = reader.getNumImages(true);
        int best = 0;
        long bestPixels = (long) reader.getWidth(0) * reader.getHeight(0);
        for (int i = 1; i < count; i++) {
            int w = reader.getWidth(i);
            int h = reader.getHeight(i);
            long pixels = (long) w * h;
            if (Math.max(w, h) >= sizePx && pixels < bestPixels) {
                best = i;
                bestPixels = pixels;
            }
        }
        return best;
    }

    /**
     * Scales {@code image} to fit {@code box} pixels (never up), as opaque BGR bytes (what the JPEG writer takes
     * without conversion). Each output pixel averages the source pixels under it, which is smooth enough for
     * the at most 2:1 reduction left after subsampling and much faster than Java2D's generic scaling paths.
     * Rows are summed per column first and the division is a multiplication by a reciprocal (same result).
     */
    static BufferedImage scale(BufferedImage image, int box) {
        BufferedImage src = asBgr(image);
        int w = src.getWidth();
        int h = src.getHeight();
        double factor = Math.min(1.0, box / (double) Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * factor));
        int th = Math.max(1, (int) Math.round(h * factor));
        if (tw == w && th == h) {
            return src;
        }
        byte[] in = ((DataBufferByte) src.getRaster().getDataBuffer()).getData();
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_3BYTE_BGR);
        byte[] o = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int[] x0 = new int[tw];
        int[] x1 = new int[tw];
        int maxWide = 1;
        for (int x = 0; x < tw; x++) {
            x0[x] = (int) ((long) x * w / tw);
            x1[x] = Math.max(x0[x] + 1, (int) ((long) (x + 1) * w / tw));
            maxWide = Math.max(maxWide, x1[x] - x0[x]);
        }
        int maxHigh = 1;
        for (int y = 0; y < th; y++) {
            int y0 = (int) ((long) y * h / th);
            maxHigh = Math.max(maxHigh, Math.max(y0 + 1, (int) ((long) (y + 1) * h / th)) - y0);
        }
        // Division by a pixel count n as a multiplication: floor(sum * ceil(2^32 / n) / 2^32) is floor(sum / n)
        // while sum * n < 2^32, which sum <= 255 n keeps for n < 4096 (a reduction of up to 64:1 per side).
        int maxCount = maxWide * maxHigh;
        long[] reciprocal = maxCount < 4096 ? new long[maxCount + 1] : null;
        for (int c = 1; reciprocal != null && c <= maxCount; c++) {
            reciprocal[c] = ((1L << 32) + c - 1) / c;
        }
        // Each output row: the source rows under it summed per column first, then the columns under each pixel.
        int[] column = new int[w * 3];
        int rowBytes = w * 3;
        for (int y = 0; y < th; y++) {
            int y0 = (int) ((long) y * h / th);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * h / th));
            Arrays.fill(column, 0);
            for (int sy = y0; sy < y1; sy++) {
                int base = sy * rowBytes;
                for (int i = 0; i < rowBytes; i++) {
                    column[i] += in[base + i] & 0xff;
                }
            }
            int oi = y * tw * 3;
            for (int x = 0; x < tw; x++) {
                int b = 0;
                int g = 0;
                int r = 0;
                for (int si = x0[x] * 3, siEnd = x1[x] * 3; si < siEnd; si += 3) {
                    b += column[si];
                    g += column[si + 1];
                    r += column[si + 2];
                }
                int n = (y1 - y0) * (x1[x] - x0[x]);
                if (reciprocal != null) {
                    long m = reciprocal[n];
                    o[oi++] = (byte) ((b * m) >>> 32);
                    o[oi++] = (byte) ((g * m) >>> 32);
                    o[oi++] = (byte) ((r * m) >>> 32);
                } else {
                    o[oi++] = (byte) (b / n);
                    o[oi++] = (byte) (g / n);
                    o[oi++] = (byte) (r / n);
                }
            }
        }
        return out;
    }

    /**
     * {@code image} (as {@link #scale} returns it: packed BGR bytes) turned from the stored-pixel frame into the
     * display frame of EXIF {@code orientation}: 2 mirrored left-right, 3 rotated 180°, 4 mirrored top-bottom,
     * 5 transposed, 6 rotated 90° clockwise, 7 transverse, 8 rotated 90° anticlockwise; 5-8 swap width and height.
     * The same mapping as the viewer's {@code Orientation}. Returns {@code image} itself for 1 or unknown values.
     */
    static BufferedImage orient(BufferedImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        BufferedImage src = asBgr(image);
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = orientation >= 5;
        int dw = swap ? h : w;
        int dh = swap ? w : h;
        byte[] in = ((DataBufferByte) src.getRaster().getDataBuffer()).getData();
        BufferedImage out = new BufferedImage(dw, dh, BufferedImage.TYPE_3BYTE_BGR);
        byte[] o = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // The display pixel (dx, dy) of stored pixel (x, y), as the index dy * dw + dx.
                int d = switch (orientation) {
                    case 2 -> y * dw + (w - 1 - x);
                    case 3 -> (h - 1 - y) * dw + (w - 1 - x);
                    case 4 -> (h - 1 - y) * dw + x;
                    case 5 -> x * dw + y;
                    case 6 -> x * dw + (h - 1 - y);
                    case 7 -> (w - 1 - x) * dw + (h - 1 - y);
                    default -> (w - 1 - x) * dw + y; // 8
                };
                int si = (y * w + x) * 3;
                int di = d * 3;
                o[di] = in[si];
                o[di + 1] = in[si + 1];
                o[di + 2] = in[si + 2];
            }
        }
        return out;
    }

    /** {@code image} as a tightly packed TYPE_3BYTE_BGR image (copied unless it already is one). */
    private static BufferedImage asBgr(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getDataBuffer().getNumBanks() == 1
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && ((java.awt.image.ComponentSampleModel) image.getSampleModel()).getScanlineStride()
                == image.getWidth() * 3) {
            return image;
        }
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = copy.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight()); // transparent images on white, not black
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return copy;
    }

    private void write(BufferedImage thumbnail, Path target) throws IOException {
        Path dir = target.getParent();
        if (!knownDirs.contains(dir)) {
            Files.createDirectories(dir);
            knownDirs.add(dir);
        }
        // A temp name of our own in the same folder: Files.createTempFile also sets permissions, a syscall more.
        Path temp = dir.resolve(".thumb-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            byte[] jpeg = NativeJpeg.encode(thumbnail, Math.round(JPEG_QUALITY * 100));
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writeJpeg(thumbnail, jpeg, out);
            } catch (NoSuchFileException e) {
                // The cache folder was removed since it was made (the user cleared the cache): make it again.
                knownDirs.remove(dir);
                Files.createDirectories(dir);
                knownDirs.add(dir);
                try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    writeJpeg(thumbnail, jpeg, out);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** {@code jpeg} when the native encoder made it, else {@code thumbnail} encoded by ImageIO. */
    private static void writeJpeg(BufferedImage thumbnail, byte[] jpeg, OutputStream out) throws IOException {
        if (jpeg != null) {
            out.write(jpeg);
        } else {
            encodeJpeg(thumbnail, out);
        }
    }

    /**
     * Loads the image readers and writers and runs one tiny decode and encode, so that the first thumbnails a
     * user waits for do not pay for ImageIO's plugin scan and the JIT. Call it on a background thread at start.
     */
    public static void warmUp() {
        try {
            BufferedImage tiny = new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            encodeJpeg(tiny, bytes);
            try (ImageInputStream in = ImageIO.createImageInputStream(
                    new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                for (ImageReader reader : readers(in)) {
                    try {
                        in.seek(0);
                        reader.setInput(in, false, true);
                        reader.read(0);
                    } finally {
                        reader.dispose();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only a warm-up: the real thumbnails report their own failures.
        }
    }

    /** Encodes an RGB image as a JPEG of quality 0.85. */
    public static void encodeJpeg(BufferedImage image, OutputStream out) throws IOException {
        JpegEncoder encoder = ENCODER.get();
        if (encoder == null) {
            throw new IOException("no JPEG writer available");
        }
        // An explicit memory-cached stream: ImageIO.createImageOutputStream(OutputStream) would go through a temp
        // file unless ImageIO.setUseCache(false) was set globally.
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            encoder.writer.setOutput(ios);
            try {
                encoder.writer.write(null, new IIOImage(image, null, null), encoder.param);
            } finally {
                encoder.writer.setOutput(null);
            }
        } catch (IOException | RuntimeException e) {
            // A writer that failed half-way may be left in any state: the next encode on this thread gets a new one.
            ENCODER.remove();
            encoder.writer.dispose();
            throw e;
        }
    }

    /**
     * One JPEG writer per thread, kept: finding and creating a writer (and its native state) for every thumbnail
     * took a noticeable part of the encode.
     */
    private record JpegEncoder(ImageWriter writer, ImageWriteParam param) {
    }

    private static final ThreadLocal<JpegEncoder> ENCODER = ThreadLocal.withInitial(() -> {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            return null;
        }
        ImageWriter writer = writers.next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(JPEG_QUALITY);
        return new JpegEncoder(writer, param);
    });

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
