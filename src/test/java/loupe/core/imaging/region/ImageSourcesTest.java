package loupe.core.imaging.region;

import static loupe.core.imaging.region.TiffFixtures.meanDifference;
import static loupe.core.imaging.region.TiffFixtures.naiveResize;
import static loupe.core.imaging.region.TiffFixtures.picture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.imaging.CorruptImageException;

class ImageSourcesTest {

    @TempDir
    Path dir;

    private static final BufferedImage PICTURE = picture(1000, 600);

    @Test
    void tiledJpegPyramidHasItsLevelsAndReadsRegionsFromTheRightOne() throws IOException {
        Path tif = TiffFixtures.pyramid(dir.resolve("pyramid.tif"), PICTURE, 4, 128, "JPEG");
        try (ImageSource source = ImageSources.open(tif)) {
            assertEquals(1000, source.width());
            assertEquals(600, source.height());
            assertEquals(4, source.levels().size());
            assertEquals(List.of(1000, 500, 250, 125), source.levels().stream().map(PyramidLevel::width).toList());
            assertEquals(2.0, source.levels().get(1).downsample(), 1e-9);
            assertTrue(source.levels().stream().allMatch(PyramidLevel::tiled));
            assertEquals(256, source.levels().get(0).tileWidth(), "128-px file tiles grouped into a 256-px grid");
            assertEquals(4, source.levels().get(0).columns());

            // Full resolution: the pixels of the rectangle, up to JPEG's loss.
            BufferedImage region = source.readRegion(RegionRequest.of(300, 200, 400, 300));
            assertEquals(400, region.getWidth());
            assertEquals(300, region.getHeight());
            assertTrue(meanDifference(region, PICTURE.getSubimage(300, 200, 400, 300)) < 4);

            // Downsample 2 reads level 1 (half the source pixels); it matches a resize of the full picture.
            BufferedImage half = source.readRegion(new RegionRequest(2, 300, 200, 400, 300));
            assertEquals(200, half.getWidth());
            assertEquals(150, half.getHeight());
            assertTrue(meanDifference(half, naiveResize(PICTURE.getSubimage(300, 200, 400, 300), 200, 150)) < 5);

            // Between levels (3): read level 1, resized down.
            BufferedImage third = source.readRegion(new RegionRequest(3, 0, 0, 999, 600));
            assertEquals(333, third.getWidth());
            assertEquals(200, third.getHeight());
            assertTrue(meanDifference(third, naiveResize(PICTURE.getSubimage(0, 0, 999, 600), 333, 200)) < 6);
        }
    }

    @Test
    void choosesTheJdkReaderForDeflateTiffsAndTwelveMonkeysForJpegTiffs() throws IOException {
        // TwelveMonkeys 3.14 throws on source regions of tiled non-JPEG TIFFs (haraldk/TwelveMonkeys#746).
        Path deflate = TiffFixtures.pyramid(dir.resolve("deflate.tif"), PICTURE, 2, 64, "Deflate");
        Path jpeg = TiffFixtures.pyramid(dir.resolve("jpeg.tif"), PICTURE, 1, 64, "JPEG");
        assertTrue(ImageSources.chooseReader(deflate).getClass().getName().startsWith("com.sun.imageio."));
        assertTrue(ImageSources.chooseReader(jpeg).getClass().getName().startsWith("com.twelvemonkeys."));
        try (ImageSource source = ImageSources.open(deflate)) {
            assertEquals(2, source.levels().size());
            BufferedImage region = source.readRegion(RegionRequest.of(65, 33, 300, 200));
            assertEquals(0.0, meanDifference(region, PICTURE.getSubimage(65, 33, 300, 200)), "deflate is lossless");
        }
    }

    @Test
    void downsampledReadOfAPlainPngMatchesANaiveResize() throws IOException {
        Path png = dir.resolve("plain.png");
        ImageIO.write(PICTURE, "png", png.toFile());
        try (ImageSource source = ImageSources.open(png)) {
            assertEquals(1, source.levels().size());
            assertFalse(source.levels().get(0).tiled());
            BufferedImage exact = source.readRegion(RegionRequest.of(10, 20, 300, 200));
            assertEquals(0.0, meanDifference(exact, PICTURE.getSubimage(10, 20, 300, 200)));
            BufferedImage quarter = source.readRegion(new RegionRequest(4, 0, 0, 1000, 600));
            assertEquals(250, quarter.getWidth());
            assertEquals(150, quarter.getHeight());
            assertTrue(meanDifference(quarter, naiveResize(PICTURE, 250, 150)) < 3);
            BufferedImage odd = source.readRegion(new RegionRequest(2.5, 100, 100, 500, 400));
            assertEquals(200, odd.getWidth());
            assertEquals(160, odd.getHeight());
            assertTrue(meanDifference(odd, naiveResize(PICTURE.getSubimage(100, 100, 500, 400), 200, 160)) < 4);
            BufferedImage thumb = source.thumbnail(100);
            assertEquals(100, thumb.getWidth());
            assertEquals(60, thumb.getHeight());
        }
    }

    @Test
    void readsJpegRegionsAndTiles() throws IOException {
        Path jpg = dir.resolve("photo.jpg");
        ImageIO.write(PICTURE, "jpeg", jpg.toFile());
        try (ImageSource source = ImageSources.open(jpg)) {
            PyramidLevel level = source.levels().get(0);
            assertEquals(1024, level.tileWidth(), "virtual grid of a baseline JPEG");
            BufferedImage tile = source.readTile(0, 0, 0);
            assertEquals(1000, tile.getWidth());
            assertEquals(600, tile.getHeight());
            BufferedImage region = source.readRegion(RegionRequest.of(500, 300, 500, 300));
            assertTrue(meanDifference(region, PICTURE.getSubimage(500, 300, 500, 300)) < 5);
        }
    }

    @Test
    void rejectsRegionsOutsideTheImageAndBadTiles() throws IOException {
        Path png = dir.resolve("small.png");
        ImageIO.write(picture(50, 40), "png", png.toFile());
        try (ImageSource source = ImageSources.open(png)) {
            assertThrows(IllegalArgumentException.class, () -> source.readRegion(RegionRequest.of(40, 0, 11, 10)));
            assertThrows(IllegalArgumentException.class, () -> source.readRegion(RegionRequest.of(0, 35, 10, 6)));
            assertThrows(IllegalArgumentException.class, () -> source.readTile(0, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> source.readTile(1, 0, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new RegionRequest(0, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> RegionRequest.of(-1, 0, 1, 1));
    }

    @Test
    void closedSourcesRefuseReads() throws IOException {
        Path png = dir.resolve("small.png");
        ImageIO.write(picture(50, 40), "png", png.toFile());
        ImageSource source = ImageSources.open(png);
        source.close();
        assertThrows(IllegalStateException.class, () -> source.readRegion(RegionRequest.of(0, 0, 5, 5)));
    }

    @Test
    void missingAndNonImageFilesFailClearly() throws IOException {
        assertThrows(NoSuchFileException.class, () -> ImageSources.open(dir.resolve("absent.png")));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image at all");
        assertThrows(CorruptImageException.class, () -> ImageSources.open(text));
    }

    @Test
    void concurrentReadsOnOneSourceAreCorrect() throws Exception {
        Path tif = TiffFixtures.pyramid(dir.resolve("pyramid.tif"), PICTURE, 2, 64, "Deflate");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (ImageSource source = ImageSources.open(tif, 2)) {
            List<Future<Double>> diffs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int x = (i * 97) % 800;
                int y = (i * 53) % 400;
                diffs.add(pool.submit(() -> meanDifference(source.readRegion(RegionRequest.of(x, y, 200, 200)),
                        PICTURE.getSubimage(x, y, 200, 200))));
            }
            for (Future<Double> d : diffs) {
                assertEquals(0.0, d.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readsAVipsBigTiffPyramid() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/vips")), "vips not installed");
        Path png = dir.resolve("src.png");
        ImageIO.write(PICTURE, "png", png.toFile());
        Path tif = dir.resolve("vips.tif");
        Process p = new ProcessBuilder("vips", "copy", png.toString(), tif
                + "[tile,tile-width=128,tile-height=128,compression=jpeg,Q=95,pyramid,bigtiff]")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        try (ImageSource source = ImageSources.open(tif)) {
            assertTrue(source.levels().size() >= 3, source.levels().toString());
            assertEquals(500, source.levels().get(1).width());
            BufferedImage region = source.readRegion(RegionRequest.of(129, 77, 512, 300));
            assertTrue(meanDifference(region, PICTURE.getSubimage(129, 77, 512, 300)) < 4);
            BufferedImage quarter = source.readRegion(new RegionRequest(4, 0, 0, 1000, 600));
            assertTrue(meanDifference(quarter, naiveResize(PICTURE, 250, 150)) < 6);
        }
    }

    @Test
    void jpegTiffsAreReadDirectlyAndAgreeWithTheTiffPlugin() throws IOException {
        Path tif = TiffFixtures.pyramid(dir.resolve("direct.tif"), PICTURE, 3, 64, "JPEG");
        try (ImageSource direct = ImageSources.open(tif);
             ImageSource plugin = ImageIoSource.open(tif.toAbsolutePath(), ImageSources.chooseReader(tif), 1)) {
            assertTrue(direct instanceof JpegTiffSource, direct.toString());
            assertEquals(plugin.levels(), direct.levels());
            for (RegionRequest r : List.of(RegionRequest.of(0, 0, 1000, 600), RegionRequest.of(70, 130, 333, 222),
                    new RegionRequest(2, 100, 100, 640, 320), new RegionRequest(5, 0, 0, 1000, 600))) {
                BufferedImage a = direct.readRegion(r);
                BufferedImage b = plugin.readRegion(r);
                assertTrue(meanDifference(a, b) < 1.5, r + ": " + meanDifference(a, b));
            }
            BufferedImage tile = direct.readTile(1, 1, 0);
            assertEquals(244, tile.getWidth(), "the 256-px grid: column 1 of the 500-px level");
            assertTrue(meanDifference(tile, plugin.readTile(1, 1, 0)) < 1.5);
        }
    }

    @Test
    void findsPyramidLevelsInSubIfds() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/vips")), "vips not installed");
        Path png = dir.resolve("src.png");
        ImageIO.write(PICTURE, "png", png.toFile());
        Path tif = dir.resolve("subifd.tif");
        Process p = new ProcessBuilder("vips", "copy", png.toString(), tif
                + "[tile,tile-width=128,tile-height=128,compression=jpeg,Q=95,pyramid,subifd]")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        try (ImageSource source = ImageSources.open(tif)) {
            assertTrue(source instanceof JpegTiffSource, source.toString());
            assertTrue(source.levels().size() >= 3, source.levels().toString());
            assertEquals(250, source.levels().get(2).width());
            BufferedImage quarter = source.readRegion(new RegionRequest(4, 0, 0, 1000, 600));
            assertTrue(meanDifference(quarter, naiveResize(PICTURE, 250, 150)) < 6);
        }
    }
}
