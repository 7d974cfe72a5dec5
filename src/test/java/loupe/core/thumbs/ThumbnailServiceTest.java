package loupe.core.thumbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.imaging.CorruptImageException;
import loupe.core.imaging.NativeJpeg;
import loupe.testing.TestImages;

class ThumbnailServiceTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    @Test
    void makesAThumbnailThatFitsTheSizeAndKeepsTheAspect() throws IOException {
        Path image = dataset.resolve("big.jpg");
        TestImages.write(image, 1600, 900);
        ThumbnailService service = new ThumbnailService(cache, 256);

        ThumbnailService.Thumbnail t = service.load(image, Files.size(image), 1L);

        assertFalse(t.fromCache());
        assertEquals(256, t.image().getWidth());
        assertEquals(144, t.image().getHeight());
    }

    @Test
    void writesTheCacheOutsideTheDatasetAndReusesIt() throws IOException {
        Path image = dataset.resolve("a b/ü.png");
        TestImages.write(image, 480, 640);
        List<Path> before = listAll(dataset);
        ThumbnailService service = new ThumbnailService(cache, 256);

        service.load(image, 100, 5);
        Path cached = service.cacheFile(image, 100, 5);
        assertTrue(Files.isRegularFile(cached));
        assertTrue(cached.startsWith(cache));
        assertEquals(before, listAll(dataset), "nothing was written into the dataset");

        ThumbnailService.Thumbnail again = new ThumbnailService(cache, 256).load(image, 100, 5);
        assertTrue(again.fromCache());
        assertEquals(192, again.image().getWidth());
        assertEquals(256, again.image().getHeight());
        assertNotEquals(cached, service.cacheFile(image, 100, 6), "a changed mtime is a new thumbnail");
        assertNotEquals(cached, new ThumbnailService(cache, 128).cacheFile(image, 100, 5));
    }

    @Test
    void keepsSmallImagesAtTheirSize() throws IOException {
        Path image = dataset.resolve("small.jpg");
        TestImages.write(image, 40, 30);
        ThumbnailService.Thumbnail t = new ThumbnailService(cache, 256).load(image, 1, 1);
        assertEquals(40, t.image().getWidth());
        assertEquals(30, t.image().getHeight());
    }

    @Test
    void reportsMissingAndUndecodableFiles() throws IOException {
        ThumbnailService service = new ThumbnailService(cache, 256);
        assertThrows(NoSuchFileException.class, () -> service.load(dataset.resolve("gone.jpg"), 1, 1));
        Path junk = dataset.resolve("junk.jpg");
        Files.writeString(junk, "not an image");
        assertThrows(CorruptImageException.class, () -> service.load(junk, 1, 1));
        Path truncated = dataset.resolve("cut.jpg");
        TestImages.write(truncated, 300, 200);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, 40));
        assertThrows(CorruptImageException.class, () -> service.load(truncated, 2, 2));
    }

    private static List<Path> listAll(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void turnsTheThumbnailByTheExifOrientationAndKeysItApart() throws IOException {
        Path image = dataset.resolve("phone.jpg");
        TestImages.write(image, 400, 200);
        ThumbnailService service = new ThumbnailService(cache, 256);

        ThumbnailService.Thumbnail plain = service.load(image, 10, 1L);
        assertEquals(256, plain.image().getWidth());
        assertEquals(128, plain.image().getHeight());
        // The key of an image without orientation is the one caches had before orientation was applied.
        assertEquals(service.cacheFile(image, 10, 1L), service.cacheFile(image, 10, 1L, 1));
        assertEquals(service.cacheFile(image, 10, 1L), service.cacheFile(image, 10, 1L, 0));
        assertTrue(service.load(image, 10, 1L, 1).fromCache());

        // Orientation 6 (rotated 90° clockwise): the old, unturned cache file is not used; the new one is portrait.
        ThumbnailService.Thumbnail turned = service.load(image, 10, 1L, 6);
        assertFalse(turned.fromCache());
        assertEquals(128, turned.image().getWidth());
        assertEquals(256, turned.image().getHeight());
        assertNotEquals(service.cacheFile(image, 10, 1L), service.cacheFile(image, 10, 1L, 6));
        ThumbnailService.Thumbnail again = new ThumbnailService(cache, 256).load(image, 10, 1L, 6);
        assertTrue(again.fromCache());
        assertEquals(128, again.image().getWidth());
    }

    @Test
    void orientMovesEachStoredPixelToItsDisplayPlace() {
        // A 3 x 2 stored image whose pixels are numbered 0..5 in their blue byte: p(x, y) = y * 3 + x.
        java.awt.image.BufferedImage stored = new java.awt.image.BufferedImage(3, 2,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                stored.setRGB(x, y, y * 3 + x);
            }
        }
        // Display rows, top to bottom, of each orientation (EXIF: 6 turns the top edge to the right side).
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5)), pixels(ThumbnailService.orient(stored, 1)));
        assertEquals(List.of(List.of(2, 1, 0), List.of(5, 4, 3)), pixels(ThumbnailService.orient(stored, 2)));
        assertEquals(List.of(List.of(5, 4, 3), List.of(2, 1, 0)), pixels(ThumbnailService.orient(stored, 3)));
        assertEquals(List.of(List.of(3, 4, 5), List.of(0, 1, 2)), pixels(ThumbnailService.orient(stored, 4)));
        assertEquals(List.of(List.of(0, 3), List.of(1, 4), List.of(2, 5)), pixels(ThumbnailService.orient(stored, 5)));
        assertEquals(List.of(List.of(3, 0), List.of(4, 1), List.of(5, 2)), pixels(ThumbnailService.orient(stored, 6)));
        assertEquals(List.of(List.of(5, 2), List.of(4, 1), List.of(3, 0)), pixels(ThumbnailService.orient(stored, 7)));
        assertEquals(List.of(List.of(2, 5), List.of(1, 4), List.of(0, 3)), pixels(ThumbnailService.orient(stored, 8)));
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5)), pixels(ThumbnailService.orient(stored, 9)),
                "values outside 1..8 are left as stored");
    }

    private static List<List<Integer>> pixels(java.awt.image.BufferedImage image) {
        List<List<Integer>> rows = new java.util.ArrayList<>();
        for (int y = 0; y < image.getHeight(); y++) {
            List<Integer> row = new java.util.ArrayList<>();
            for (int x = 0; x < image.getWidth(); x++) {
                row.add(image.getRGB(x, y) & 0xff);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The native thumbnail (decode and averaging in C) must be byte for byte what {@link ThumbnailService#scale}
     * makes of the native decode, so both paths show the same picture; and the whole service, native or not, must
     * make thumbnails close to ImageIO's full decode averaged down.
     */
    @Test
    void nativeThumbnailsEqualTheJavaScaleOfTheNativeDecode() throws IOException {
        assumeTrue(NativeJpeg.available(), "native JPEG decoder not available here");
        int[][] sizes = {{640, 480}, {480, 640}, {481, 333}, {1600, 900}, {300, 200}, {256, 256}, {2000, 7}};
        for (int[] size : sizes) {
            Path file = dataset.resolve("p" + size[0] + "x" + size[1] + ".jpg");
            TestImages.write(file, size[0], size[1]);
            byte[] jpeg = Files.readAllBytes(file);
            BufferedImage inC = NativeJpeg.thumbnail(jpeg, jpeg.length, 256, Long.MAX_VALUE);
            BufferedImage inJava = ThumbnailService.scale(NativeJpeg.decode(jpeg, jpeg.length, 256, Long.MAX_VALUE),
                    256);
            String what = size[0] + "x" + size[1];
            assertEquals(inJava.getWidth() + "x" + inJava.getHeight(), inC.getWidth() + "x" + inC.getHeight(), what);
            assertArrayEquals(bgr(inJava), bgr(inC), what);
            assertEquals(inC.getWidth() + "x" + inC.getHeight(), size(new ThumbnailService(cache, 256).generate(file)),
                    what + ": the service's thumbnail");
        }
    }

    @Test
    void nativelyEncodedThumbnailsReadBackCloseToThePixelsWritten() throws IOException {
        assumeTrue(NativeJpeg.available(), "native JPEG decoder not available here");
        Path image = dataset.resolve("photo.jpg");
        TestImages.write(image, 640, 480);
        ThumbnailService service = new ThumbnailService(cache, 256);
        BufferedImage made = service.load(image, Files.size(image), 1L).image();
        Path cached = service.cacheFile(image, Files.size(image), 1L);
        BufferedImage read = ImageIO.read(cached.toFile());
        assertEquals(size(made), size(read));
        byte[] a = bgr(made);
        double sum = 0;
        for (int y = 0; y < read.getHeight(); y++) {
            for (int x = 0; x < read.getWidth(); x++) {
                int rgb = read.getRGB(x, y);
                int i = (y * read.getWidth() + x) * 3;
                sum += Math.abs((a[i] & 0xff) - (rgb & 0xff)) + Math.abs((a[i + 1] & 0xff) - ((rgb >> 8) & 0xff))
                        + Math.abs((a[i + 2] & 0xff) - ((rgb >> 16) & 0xff));
            }
        }
        double meanError = sum / a.length;
        assertTrue(meanError < 3, "mean error per channel " + meanError); // quality 85 on a smooth test picture
        assertEquals(null, NativeJpeg.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), 85),
                "only packed BGR is encoded natively");
    }

    private static byte[] bgr(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    private static String size(BufferedImage image) {
        return image.getWidth() + "x" + image.getHeight();
    }
}
