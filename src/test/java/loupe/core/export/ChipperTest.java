package loupe.core.export;

import static loupe.core.imaging.region.TiffFixtures.meanDifference;
import static loupe.core.imaging.region.TiffFixtures.naiveResize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.formats.CocoFormat;
import loupe.core.formats.CollectingSink;
import loupe.core.formats.DatasetLoader;
import loupe.core.formats.UnknownFormatException;
import loupe.core.imaging.region.TiffFixtures;
import loupe.core.index.Catalog;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.SharedSamples;

class ChipperTest {

    @TempDir
    Path tmp;

    /** Known boxes drawn as filled rectangles on a 3000x2000 JPEG, each in its own colour. */
    private record Drawn(int classId, BoundingBox box, Color color) {
    }

    private static final List<Drawn> DRAWN = List.of(
            new Drawn(1, new BoundingBox(100, 100, 300, 200), Color.RED),
            new Drawn(2, new BoundingBox(900, 400, 250, 250), Color.GREEN),        // across the x = 1024 chip edge
            new Drawn(1, new BoundingBox(1550, 1000, 400, 300), Color.BLUE),
            new Drawn(2, new BoundingBox(2600, 1700, 350, 250), Color.YELLOW),     // near the bottom-right corner
            new Drawn(1, new BoundingBox(2000, 200, 120, 600), Color.MAGENTA));

    private Path dataset() throws IOException {
        Path root = tmp.resolve("data");
        BufferedImage scene = new BufferedImage(3000, 2000, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = scene.createGraphics();
        g.setColor(new Color(40, 40, 40));
        g.fillRect(0, 0, 3000, 2000);
        for (Drawn d : DRAWN) {
            g.setColor(d.color());
            BoundingBox b = d.box();
            g.fillRect((int) b.x(), (int) b.y(), (int) b.width(), (int) b.height());
        }
        g.dispose();
        Files.createDirectories(root.resolve("images/train"));
        Files.createDirectories(root.resolve("annotations"));
        ImageIO.write(scene, "jpeg", root.resolve("images/train/scene.jpg").toFile());
        StringBuilder anns = new StringBuilder();
        int id = 1;
        for (Drawn d : DRAWN) {
            BoundingBox b = d.box();
            anns.append(anns.length() > 0 ? "," : "").append(String.format(Locale.ROOT,
                    "{\"id\":%d,\"image_id\":1,\"category_id\":%d,\"bbox\":[%s,%s,%s,%s],\"area\":1,\"iscrowd\":0,"
                            + "\"segmentation\":[[%s,%s,%s,%s,%s,%s,%s,%s]]}", id++, d.classId(), b.x(), b.y(),
                    b.width(), b.height(), b.x(), b.y(), b.maxX(), b.y(), b.maxX(), b.maxY(), b.x(), b.maxY()));
        }
        Files.writeString(root.resolve("annotations/instances_train.json"), "{\"images\":[{\"id\":1,\"file_name\":"
                + "\"scene.jpg\",\"width\":3000,\"height\":2000}],\"annotations\":[" + anns + "],\"categories\":"
                + "[{\"id\":1,\"name\":\"car\"},{\"id\":2,\"name\":\"tree\"}]}");
        return root;
    }

    private ChipReport chip(Path source, Path out, ChipOptions options) throws IOException {
        return chip(source, out, options, Progress.NONE);
    }

    private ChipReport chip(Path source, Path out, ChipOptions options, Progress progress) throws IOException {
        try (Catalog catalog = Catalog.open(tmp.resolve("catalog-" + out.getFileName() + ".duckdb"))) {
            return new Chipper().chip(source, out, catalog, options, progress);
        }
    }

    private static ChipOptions options(int size, int stride) {
        return ChipOptions.defaults().withSize(size, stride).withThreads(2);
    }

    /** chips.csv rows by chip path. */
    private static Map<String, String[]> manifest(Path out) throws IOException {
        Map<String, String[]> rows = new HashMap<>();
        List<String> lines = Files.readAllLines(out.resolve("chips.csv"));
        assertEquals("chip,source,group,split,x,y,width,height,downsample,boxes", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            rows.put(f[0], f);
        }
        return rows;
    }

    @Test
    void everyChipBoxMapsBackIntoItsSourceBoxAndCoversTheDrawnPixels() throws IOException {
        Path out = tmp.resolve("out");
        ChipReport report = chip(dataset(), out, options(1024, 1024 - 256));
        Map<String, String[]> rows = manifest(out);
        assertEquals(report.chips(), rows.size());
        // x starts 0, 768, 1536, 1976; y starts 0, 768, 976: 12 chips.
        assertEquals(12, report.chips());
        CollectingSink written = DatasetLoader.load(out, new CocoFormat()).sink();
        assertEquals(12, written.images().size());
        Map<String, List<BoundingBox>> seen = new HashMap<>();
        for (Annotation a : written.annotations()) {
            String[] row = rows.get(a.imagePath());
            assertTrue(row != null, "chip in the manifest: " + a.imagePath());
            assertEquals("images/train/scene.jpg", row[1]);
            assertEquals(row[1], row[2], "the group is the source image");
            assertEquals("train", row[3]);
            int cx = Integer.parseInt(row[4]);
            int cy = Integer.parseInt(row[5]);
            BoundingBox b = a.box();
            BoundingBox back = new BoundingBox(b.x() + cx, b.y() + cy, b.width(), b.height());
            Drawn source = DRAWN.stream().filter(d -> d.classId() == a.classId() && contains(d.box(), back))
                    .findFirst().orElseThrow(() -> new AssertionError(back + " lies in no source box"));
            // Clipped exactly to the chip: the source box intersected with the chip's rectangle.
            BoundingBox expected = BoundingBox.fromCorners(Math.max(source.box().x(), cx),
                    Math.max(source.box().y(), cy), Math.min(source.box().maxX(), cx + 1024),
                    Math.min(source.box().maxY(), cy + 1024));
            assertBox(expected, back);
            // The chip's pixels at the box centre have the rectangle's colour.
            BufferedImage pixels = ImageIO.read(out.resolve(a.imagePath()).toFile());
            int rgb = pixels.getRGB((int) (b.x() + b.width() / 2), (int) (b.y() + b.height() / 2));
            assertTrue(close(rgb, source.color().getRGB()), a.imagePath() + " at " + b);
            for (Polygon p : a.polygons()) {
                for (int i = 0; i < p.points().length; i += 2) {
                    assertTrue(p.points()[i] >= 0 && p.points()[i] <= 1024 && p.points()[i + 1] >= 0
                            && p.points()[i + 1] <= 1024);
                }
            }
            seen.computeIfAbsent(source.box().toString(), k -> new ArrayList<>()).add(back);
        }
        // With 256 px of overlap every box (at most 600 px) lies whole in some chip.
        for (Drawn d : DRAWN) {
            assertTrue(seen.getOrDefault(d.box().toString(), List.of()).stream().anyMatch(b -> sameBox(b, d.box())),
                    d.box() + " whole in some chip");
        }
        assertTrue(Files.isRegularFile(out.resolve(Converter.REPORT_FILE)));
        try (Stream<Path> files = Files.walk(out)) {
            assertTrue(files.noneMatch(p -> p.toString().contains(Chipper.STAGING)), "no staging folder left");
        }
    }

    @Test
    void boxesLessVisibleThanTheMinimumAreDroppedAndCounted() throws IOException {
        // No overlap; chips start at x 0, 1024, 1976 and y 0, 976. Pieces cut by a chip edge:
        // green (x 900..1150): 124 of 250 px in chip x 0 (49.6 %), 126 in chip x 1024 (50.4 %);
        // magenta (x 2000..2120): 48 of 120 px in chip x 1024 (40 %), whole in chip x 1976;
        // blue (y 1000..1300): 24 of 300 px in chip y 0 (8 %), whole in chip y 976.
        Path out = tmp.resolve("strict");
        ChipReport strict = chip(dataset(), out, options(1024, 1024).withMinVisibility(0.6));
        assertEquals(4, strict.annotationsDropped(), "both green pieces, a magenta and a blue one");
        CollectingSink written = DatasetLoader.load(out, new CocoFormat()).sink();
        assertTrue(written.annotations().stream().noneMatch(a -> a.classId() == 2 && a.imagePath().endsWith("_y0.jpg")),
                "the cut green box is gone (the other class-2 box is in the bottom row)");
        Path lenient = tmp.resolve("lenient");
        ChipReport loose = chip(dataset(), lenient, options(1024, 1024).withMinVisibility(0.4));
        assertEquals(1, loose.annotationsDropped(), "only the 8 % blue piece");
        assertEquals(strict.annotationsKept() + 3, loose.annotationsKept());
    }

    @Test
    void emptyChipsAreCappedReproducibly() throws IOException {
        // 500-px chips: 6 x 4 = 24; the boxes touch few of them.
        ChipOptions capped = options(500, 500).withEmptyRatio(0.5, 7);
        ChipReport all = chip(dataset(), tmp.resolve("all"), options(500, 500));
        ChipReport a = chip(dataset(), tmp.resolve("a"), capped);
        ChipReport b = chip(dataset(), tmp.resolve("b"), capped);
        assertEquals(24, all.chips());
        assertEquals(all.nonEmptyChips(), a.nonEmptyChips());
        assertEquals(all.nonEmptyChips() / 2, a.emptyChips(), "half as many empty chips as non-empty ones");
        assertEquals(all.emptyChips() - a.emptyChips(), a.emptyChipsDropped());
        assertEquals(manifest(tmp.resolve("a")).keySet(), manifest(tmp.resolve("b")).keySet(), "same seed, same chips");
        List<java.util.Set<String>> choices = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            chip(dataset(), tmp.resolve("s" + seed), options(500, 500).withEmptyRatio(0.5, seed));
            choices.add(manifest(tmp.resolve("s" + seed)).keySet());
        }
        assertTrue(choices.stream().distinct().count() > 1, "other seeds choose other empty chips");
        ChipReport none = chip(dataset(), tmp.resolve("none"), options(500, 500).withEmptyRatio(0, 0));
        assertEquals(0, none.emptyChips());
    }

    @Test
    void aSingleImageIsChippedWithoutAnnotations() throws IOException {
        BufferedImage picture = TiffFixtures.picture(1500, 1000);
        Path png = tmp.resolve("one/big picture.png");
        Files.createDirectories(png.getParent());
        ImageIO.write(picture, "png", png.toFile());
        Path out = tmp.resolve("single");
        ChipReport report = new Chipper().chip(png, out, null, options(512, 512).withOutput("yolo", "png", 90, "jsonl"),
                Progress.NONE);
        assertEquals("image", report.from());
        assertEquals(6, report.chips(), "x 0, 512, 988; y 0, 488");
        List<String> lines = Files.readAllLines(out.resolve("chips.jsonl"));
        assertEquals(6, lines.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : lines) {
            var row = json.readTree(line);
            assertEquals("big picture.png", row.get("source").asText());
            int x = row.get("x").asInt();
            int y = row.get("y").asInt();
            BufferedImage chip = ImageIO.read(out.resolve(row.get("chip").asText()).toFile());
            assertEquals(0.0, meanDifference(chip, picture.getSubimage(x, y, 512, 512)), "PNG chips are exact");
        }
    }

    @Test
    void chipsATiledPyramidAtADownsample() throws IOException {
        BufferedImage picture = TiffFixtures.picture(2048, 1536);
        Path tif = TiffFixtures.pyramid(tmp.resolve("slide/slide.tif"), picture, 3, 128, "JPEG");
        Path out = tmp.resolve("slide-chips");
        ChipReport report = new Chipper().chip(tif, out, null, options(256, 256).withDownsample(2), Progress.NONE);
        assertEquals(12, report.chips(), "1024 x 768 at downsample 2: 4 x 3 chips of 256");
        for (String[] row : manifest(out).values()) {
            int x = Integer.parseInt(row[4]);
            int y = Integer.parseInt(row[5]);
            assertEquals("512", row[6]);
            assertEquals("2", row[8]);
            BufferedImage chip = ImageIO.read(out.resolve(row[0]).toFile());
            assertEquals(256, chip.getWidth());
            double diff = meanDifference(chip, naiveResize(picture.getSubimage(x, y, 512, 512), 256, 256));
            assertTrue(diff < 6, row[0] + " differs by " + diff);
        }
    }

    @Test
    void failuresAndCancellationLeaveNothingBehind() throws IOException {
        Path data = dataset();
        Path out = tmp.resolve("cancelled");
        AtomicBoolean cancel = new AtomicBoolean();
        Progress cancelling = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
                if (phase.equals("chipping") && done >= 2) {
                    cancel.set(true);
                }
            }

            @Override
            public boolean isCancelled() {
                return cancel.get();
            }
        };
        assertThrows(CancellationException.class, () -> chip(data, out, options(500, 500), cancelling));
        assertFalse(Files.exists(out));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains("loupe-tmp")), "no temp folder");
        }
        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("keep.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> chip(data, busy, options(500, 500)));
        assertEquals("mine", Files.readString(busy.resolve("keep.txt")));
        assertThrows(UnknownFormatException.class,
                () -> chip(data, tmp.resolve("x"), options(500, 500).withOutput("nope", "jpg", 90, "csv")));
        assertThrows(IOException.class, () -> chip(data, data.resolve("inside"), options(500, 500)));
        assertFalse(Files.exists(data.resolve("inside")));
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void chipsTheSahiAerialSampleWithPolygonsInsideTheChips() throws IOException {
        // terrain1.jpg (2048x1365) and terrain2.png (1024x682) are in the folder; terrain3.png is listed by the
        // COCO files but absent, so it is skipped.
        Path sahi = SharedSamples.dir("sahi", "tests_data", "coco_utils");
        Path out = tmp.resolve("sahi");
        ChipReport report = chip(sahi, out, options(512, 512 - 64).withMinVisibility(0.3));
        assertEquals(2, report.imagesChipped());
        assertEquals(1, report.imagesSkipped());
        assertTrue(report.nonEmptyChips() > 0);
        Map<String, String[]> rows = manifest(out);
        CollectingSink written = DatasetLoader.load(out, new CocoFormat()).sink();
        assertEquals(report.chips(), written.images().size());
        assertTrue(written.annotations().stream().anyMatch(a -> !a.polygons().isEmpty()));
        for (Annotation a : written.annotations()) {
            String[] row = rows.get(a.imagePath());
            assertTrue(row != null, a.imagePath());
            int w = Integer.parseInt(row[6]);
            int h = Integer.parseInt(row[7]);
            BoundingBox b = a.box();
            assertTrue(b.x() >= 0 && b.y() >= 0 && b.maxX() <= w && b.maxY() <= h && b.area() > 0, a.toString());
            for (Polygon p : a.polygons()) {
                for (int i = 0; i < p.points().length; i += 2) {
                    double x = p.points()[i], y = p.points()[i + 1];
                    assertTrue(x >= 0 && x <= w && y >= 0 && y <= h, a.imagePath() + ": " + x + "," + y);
                    assertTrue(x >= b.x() - 1e-6 && x <= b.maxX() + 1e-6 && y >= b.y() - 1e-6
                            && y <= b.maxY() + 1e-6, "polygon inside its box");
                }
            }
        }
        assertNotEquals(0, Files.size(out.resolve("chips.csv")));
    }

    private static boolean contains(BoundingBox outer, BoundingBox inner) {
        return inner.x() >= outer.x() - 1e-6 && inner.y() >= outer.y() - 1e-6 && inner.maxX() <= outer.maxX() + 1e-6
                && inner.maxY() <= outer.maxY() + 1e-6;
    }

    private static boolean sameBox(BoundingBox a, BoundingBox b) {
        return Math.abs(a.x() - b.x()) < 1e-6 && Math.abs(a.y() - b.y()) < 1e-6 && Math.abs(a.width() - b.width()) < 1e-6
                && Math.abs(a.height() - b.height()) < 1e-6;
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertTrue(sameBox(expected, actual), "expected " + expected + " but was " + actual);
    }

    private static boolean close(int rgb, int expected) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((expected >> shift) & 0xff)) > 40) {
                return false;
            }
        }
        return true;
    }
}
