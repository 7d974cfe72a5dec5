package loupe.core.imaging.region;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

import loupe.core.imaging.CorruptImageException;

/**
 * Opens {@link ImageSource}s, choosing the ImageIO reader per file: JPEG-compressed TIFFs go to TwelveMonkeys' TIFF
 * reader (fast on JPEG tiles), every other TIFF to the JDK's own TIFF reader, because TwelveMonkeys 3.12-3.14 fail on
 * source regions of tiled TIFFs that are not JPEG-compressed (haraldk/TwelveMonkeys#746, see TECH.md). Other formats
 * (JPEG, PNG, WebP, BMP, GIF) use the first reader ImageIO offers (TwelveMonkeys for JPEG and WebP).
 */
public final class ImageSources {

    /** Readers per file unless told otherwise: enough for the machine's cores, few enough to keep memory small. */
    public static final int DEFAULT_READERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    static {
        ImageIO.setUseCache(false);
    }

    private ImageSources() {
    }

    /** Opens a file with {@link #DEFAULT_READERS} readers. */
    public static ImageSource open(Path file) throws IOException {
        return open(file, DEFAULT_READERS);
    }

    /**
     * Opens an image file: reads its header and pyramid structure, decodes no pixels.
     *
     * @param maxReaders how many reads may run at once on this file (each has its own reader and stream)
     * @throws NoSuchFileException    when the file does not exist
     * @throws CorruptImageException  when no reader understands the file or its header is unreadable
     * @throws IOException            when the file cannot be read
     */
    public static ImageSource open(Path file, int maxReaders) throws IOException {
        if (maxReaders < 1) {
            throw new IllegalArgumentException("maxReaders must be at least 1, got " + maxReaders);
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        Path absolute = file.toAbsolutePath().normalize();
        ImageReaderSpi spi = chooseReader(absolute);
        if (isTiff(spi) && TiffHeader.compression(absolute) == TiffHeader.COMPRESSION_JPEG) {
            JpegTiffSource direct = JpegTiffSource.open(absolute, maxReaders);
            if (direct != null) {
                return direct;
            }
        }
        return ImageIoSource.open(absolute, spi, maxReaders);
    }

    private static boolean isTiff(ImageReaderSpi spi) {
        return java.util.Arrays.stream(spi.getFormatNames()).anyMatch(n -> n.toLowerCase(Locale.ROOT).contains("tif"));
    }

    static ImageReaderSpi chooseReader(Path file) throws IOException {
        ImageReaderSpi first;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + file);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new CorruptImageException("no image reader understands " + file.getFileName());
            }
            ImageReader reader = readers.next();
            first = reader.getOriginatingProvider();
            reader.dispose();
        }
        boolean tiff = java.util.Arrays.stream(first.getFormatNames())
                .anyMatch(n -> n.toLowerCase(Locale.ROOT).startsWith("tif"));
        if (!tiff) {
            // Including BigTIFF (TwelveMonkeys' BigTIFFImageReaderSpi): the JDK's TIFF reader cannot read it.
            // NOTE: so a BigTIFF tiled with deflate/LZW still meets haraldk/TwelveMonkeys#746; none seen yet.
            return first;
        }
        int compression = TiffHeader.compression(file);
        boolean jpeg = compression == TiffHeader.COMPRESSION_JPEG || compression == TiffHeader.COMPRESSION_OLD_JPEG;
        ImageReaderSpi twelveMonkeys = null;
        ImageReaderSpi jdk = null;
        Iterator<ImageReaderSpi> spis = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class,
                (Object spi) -> java.util.Arrays.stream(((ImageReaderSpi) spi).getFormatNames())
                        .anyMatch(n -> n.equalsIgnoreCase("tiff")), true);
        while (spis.hasNext()) {
            ImageReaderSpi spi = spis.next();
            String name = spi.getClass().getName();
            if (name.startsWith("com.twelvemonkeys.")) {
                twelveMonkeys = spi;
            } else if (name.startsWith("com.sun.imageio.")) {
                jdk = spi;
            }
        }
        // NOTE: TwelveMonkeys throws on setSourceRegion for tiled TIFFs with deflate/LZW/no compression
        // (haraldk/TwelveMonkeys#746); the JDK reader reads those correctly but is slower on JPEG tiles.
        ImageReaderSpi chosen = jpeg ? twelveMonkeys : jdk;
        return chosen != null ? chosen : first;
    }
}
