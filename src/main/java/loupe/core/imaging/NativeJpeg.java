package loupe.core.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.CRC32;

import loupe.core.index.CatalogLocation;

/**
 * The system's libjpeg (libjpeg-turbo on current Linux distributions) through a small JNI shim
 * ({@code src/main/native/loupe_jpeg.c}), for one job the JDK cannot do: decoding a JPEG at 1/2, 1/4 or 1/8 of its
 * size in the DCT domain (ImageIO decodes every pixel and subsamples afterwards), and, since the library is there,
 * averaging that down to a thumbnail and encoding thumbnails (libjpeg-turbo's SIMD encoder against the JDK's
 * IJG 6b). See docs/decisions/0005-native-jpeg.md.
 *
 * <p>Optional by design. The shim is compiled at build time only where gcc and the libjpeg headers exist, and is
 * loaded only where the platform's libjpeg.so.62 exists; otherwise {@link #available()} is false and callers use
 * ImageIO. It also returns null for any file it does not decode cleanly (damaged, truncated, CMYK), so damaged
 * files are always reported by ImageIO's readers, with their messages. {@code -Dloupe.nativeJpeg=false} turns it
 * off.
 *
 * <p>Thread-safe: each call decodes with its own libjpeg state.
 */
public final class NativeJpeg {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NativeJpeg.class);

    /** Must match LOUPE_JPEG_ABI in loupe_jpeg.c: a stale extracted library is never called. */
    private static final int ABI = 3;
    private static final String LIBRARY = "libloupejpeg.so";

    private static final boolean AVAILABLE = load();

    private NativeJpeg() {
    }

    /** Whether the native decoder is loaded on this machine. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** The resource path of this platform's build of the shim, e.g. {@code native/linux-amd64/libloupejpeg.so}. */
    static String resourcePath() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return "native/" + (os.contains("linux") ? "linux" : os.replace(' ', '-')) + "-" + arch + "/" + LIBRARY;
    }

    /**
     * {@code jpeg[0..length)} decoded at the smallest of 1/1, 1/2, 1/4, 1/8 whose longer side is still at least
     * {@code minSide} pixels, as a TYPE_3BYTE_BGR image in the file's stored orientation (EXIF is the caller's);
     * or null when the native decoder is unavailable or did not decode the file cleanly (the caller falls back).
     *
     * @param maxPixels the largest decoded image accepted (null above it, before anything is allocated)
     */
    public static BufferedImage decode(byte[] jpeg, int length, int minSide, long maxPixels) {
        return decode(jpeg, length, minSide, 0, maxPixels);
    }

    /**
     * As {@link #decode}, then averaged down to fit {@code box} x {@code box} pixels (never up) exactly as
     * {@code ThumbnailService.scale} does in Java (same size rounding, same cells, floor of each cell's mean), in
     * one native call: the decoded pixels never reach the Java heap. Null as for {@link #decode}.
     */
    public static BufferedImage thumbnail(byte[] jpeg, int length, int box, long maxPixels) {
        return decode(jpeg, length, box, box, maxPixels);
    }

    private static BufferedImage decode(byte[] jpeg, int length, int minSide, int box, long maxPixels) {
        if (!AVAILABLE) {
            return null;
        }
        int[] info = new int[5];
        byte[] bgr = decode0(jpeg, length, minSide, box, maxPixels, info);
        if (bgr == null) {
            LOG.debug("native decoder declined a {}x{} JPEG (status {})", info[3], info[4], info[0]);
            return null;
        }
        BufferedImage image = new BufferedImage(info[1], info[2], BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(bgr, 0, target, 0, target.length);
        return image;
    }

    /**
     * {@code image} as a baseline JPEG of {@code quality} (0-100, libjpeg's scale) with libjpeg's defaults (4:2:0,
     * standard Huffman tables, JFIF), or null when the native library is unavailable, the image is not packed
     * TYPE_3BYTE_BGR, or libjpeg failed.
     */
    public static byte[] encode(BufferedImage image, int quality) {
        if (!AVAILABLE || !isPackedBgr(image)) {
            return null;
        }
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        return encode0(bgr, image.getWidth(), image.getHeight(), quality);
    }

    private static boolean isPackedBgr(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer().getNumBanks() == 1
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && ((java.awt.image.ComponentSampleModel) image.getSampleModel()).getScanlineStride()
                == image.getWidth() * 3
                && ((DataBufferByte) image.getRaster().getDataBuffer()).getData().length
                == image.getWidth() * image.getHeight() * 3;
    }

    private static native int abi0();

    private static native byte[] encode0(byte[] bgr, int width, int height, int quality);

    /** The scaled decode, averaged down to fit {@code box} when it is positive; info gets status and sizes. */
    private static native byte[] decode0(byte[] jpeg, int length, int minSide, int box, long maxPixels, int[] info);

    private static boolean load() {
        if (!Boolean.parseBoolean(System.getProperty("loupe.nativeJpeg", "true"))) {
            return false;
        }
        URL resource = NativeJpeg.class.getClassLoader().getResource(resourcePath());
        if (resource == null) {
            LOG.debug("no native JPEG decoder built for this platform ({})", resourcePath());
            return false;
        }
        try {
            Path file = "file".equals(resource.getProtocol()) ? Path.of(resource.toURI()) : extract(resource);
            System.load(file.toString());
            if (abi0() != ABI) {
                LOG.debug("native JPEG decoder {} has another ABI; not used", file);
                return false;
            }
            return true;
        } catch (IOException | java.net.URISyntaxException | UnsatisfiedLinkError | SecurityException e) {
            // Typically: no libjpeg.so.62 on this machine. ImageIO decodes everything, only slower.
            LOG.debug("native JPEG decoder not loaded: {}", e.toString());
            return false;
        }
    }

    /**
     * The library copied out of the jar into {@code <Loupe cache>/native/<crc>-libloupejpeg.so}, named by its
     * content so that builds never overwrite a library another running Loupe has loaded; written to a temporary
     * file and renamed, so a concurrent start never loads half a file.
     */
    private static Path extract(URL resource) throws IOException {
        byte[] bytes;
        try (InputStream in = resource.openStream()) {
            bytes = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Path dir = CatalogLocation.cacheDirectory().resolve("native");
        Path file = dir.resolve(Long.toHexString(crc.getValue()) + "-" + bytes.length + "-" + LIBRARY);
        if (Files.isRegularFile(file) && Files.size(file) == bytes.length) {
            return file;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, LIBRARY, ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return file;
    }
}
