package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

class CurationSplitTest {

    @TempDir
    Path work;

    /** 10 slides with 4 chips each, one box per chip, class = slide % 3. */
    private Path chips() {
        CocoFixture coco = new CocoFixture(work.resolve("chips")).categories("a", "b", "c");
        for (int slide = 0; slide < 10; slide++) {
            for (int chip = 0; chip < 4; chip++) {
                String folder = "slide" + slide;
                int id = coco.missingImage("all", folder + "/s" + slide + "_r" + chip / 2 + "_c" + chip % 2 + ".jpg",
                        64, 64);
                coco.box(id, 1 + slide % 3, 1, 1, 10, 10);
            }
        }
        return coco.write();
    }

    private static Map<String, Set<String>> splitsOfSlides(Map<String, ImageItem> images) {
        Map<String, Set<String>> out = new TreeMap<>();
        images.values().forEach(i -> out.computeIfAbsent(i.path().replaceAll(".*/(s\\d+)_.*", "$1"),
                k -> new HashSet<>()).add(i.split()));
        return out;
    }

    private static Map<String, Long> sizes(Map<String, ImageItem> images) {
        Map<String, Long> out = new TreeMap<>();
        images.values().forEach(i -> out.merge(i.split(), 1L, Long::sum));
        return out;
    }

    @Test
    void randomSplitHitsTheRatiosExactlyOnSingleImages() throws IOException {
        Curations.Selected s = Curations.evaluate(chips(), work.resolve("c.duckdb"),
                "{\"split\": {\"method\": \"random\", \"ratios\": {\"train\": 3, \"val\": 1}}}");
        assertEquals(Map.of("train", 30L, "val", 10L), sizes(s.images()));
        assertTrue(splitsOfSlides(s.images()).values().stream().anyMatch(x -> x.size() > 1),
                "without grouping some slide's chips land in both splits (else the next test proves nothing)");
    }

    @Test
    void groupAwareSplitKeepsAllChipsOfASlideTogether() throws IOException {
        for (String rule : new String[] {"{\"by\": \"regex\", \"pattern\": \"(s\\\\d+)_r\\\\d+_c\\\\d+\"}",
            "{\"by\": \"folder\"}"}) {
            for (String method : new String[] {"random", "stratified"}) {
                Curations.Selected s = Curations.evaluate(chips(), work.resolve("c.duckdb"), "{\"split\":"
                        + " {\"method\": \"" + method + "\", \"ratios\": {\"train\": 0.6, \"val\": 0.4},"
                        + " \"groupBy\": [" + rule + "]}}");
                Map<String, Set<String>> slides = splitsOfSlides(s.images());
                assertEquals(10, slides.size());
                slides.forEach((slide, splits) -> assertEquals(1, splits.size(), method + " " + rule + ": " + slide
                        + " is in " + splits));
                assertEquals(Map.of("train", 24L, "val", 16L), sizes(s.images()), method + " " + rule);
            }
        }
    }

    @Test
    void duplicatesGroupThroughTheCatalogsHashTableWhenItExists() throws Exception {
        Path data = chips();
        Path catalogFile = work.resolve("h.duckdb");
        String recipe = "{\"split\": {\"method\": \"random\", \"ratios\": {\"a\": 0.5, \"b\": 0.5},"
                + " \"groupBy\": [{\"by\": \"duplicates\"}]}}";
        Curations.Selected without = Curations.evaluate(data, catalogFile, recipe);
        assertTrue(without.preview().notes().stream().anyMatch(n -> n.contains("no table 'image_hashes'")),
                without.preview().notes().toString());
        // Another index step would write this table; here the test does, with one hash per slide.
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(1, null)).index(catalog, data, Progress.NONE);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + catalogFile);
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE image_hashes AS SELECT path, regexp_extract(path, 's(\\d+)_', 1) AS sha256"
                    + " FROM images");
        }
        Curations.Selected with = Curations.evaluate(data, catalogFile, recipe);
        assertTrue(with.preview().notes().isEmpty(), with.preview().notes().toString());
        splitsOfSlides(with.images()).forEach((slide, splits) -> assertEquals(1, splits.size(), slide));
    }

    @Test
    void seedChangesTheSplitAndTheSameSeedRepeatsIt() throws IOException {
        String recipe = "{\"seed\": %d, \"split\": {\"method\": \"random\", \"ratios\": {\"train\": 0.5, \"val\": 0.5}}}";
        Path data = chips();
        Map<String, ImageItem> one = Curations.evaluate(data, work.resolve("c.duckdb"), recipe.formatted(1)).images();
        Map<String, ImageItem> again = Curations.evaluate(data, work.resolve("c.duckdb"), recipe.formatted(1)).images();
        Map<String, ImageItem> two = Curations.evaluate(data, work.resolve("c.duckdb"), recipe.formatted(2)).images();
        assertEquals(one, again);
        assertNotEquals(one, two);
    }

    /**
     * A multi-label detection dataset with Zipf-imbalanced classes (weight 1/rank), 1 to 4 boxes per image,
     * generated here so the test needs nothing outside the JVM.
     */
    private Path zipf(int images, int classes) {
        CocoFixture coco = new CocoFixture(work.resolve("zipf"));
        String[] names = new String[classes];
        double[] cumulative = new double[classes];
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            names[k] = "class" + k;
            sum += 1.0 / (k + 1);
            cumulative[k] = sum;
        }
        coco.categories(names);
        Random random = new Random(42);
        for (int i = 0; i < images; i++) {
            int id = coco.missingImage("all", String.format("img%05d.jpg", i), 100, 100);
            int boxes = 1 + random.nextInt(4);
            for (int b = 0; b < boxes; b++) {
                double r = random.nextDouble() * sum;
                int k = 0;
                while (cumulative[k] < r) {
                    k++;
                }
                coco.box(id, k + 1, 1, 1, 10, 10);
            }
        }
        return coco.write();
    }

    @Test
    void stratifiedSplitKeepsEachClassNearTheRatiosOnZipfImbalancedData() throws IOException {
        Curations.Selected s = Curations.evaluate(zipf(1500, 15), work.resolve("z.duckdb"),
                "{\"seed\": 3, \"split\": {\"method\": \"stratified\", \"ratios\": {\"train\": 0.7, \"val\": 0.2,"
                        + " \"test\": 0.1}}}");
        Map<String, Double> ratios = Map.of("train", 0.7, "val", 0.2, "test", 0.1);
        Map<String, Long> sizes = sizes(s.images());
        ratios.forEach((split, r) -> assertEquals(r, sizes.get(split) / 1500.0, 0.01, "images in " + split));
        // Per class: the share of the class's images in each split.
        Map<Integer, Map<String, Long>> perClass = new HashMap<>();
        s.classes().forEach((path, ids) -> new HashSet<>(ids).forEach(id -> perClass.computeIfAbsent(id,
                k -> new HashMap<>()).merge(s.images().get(path).split(), 1L, Long::sum)));
        double worst = 0;
        for (Map.Entry<Integer, Map<String, Long>> e : perClass.entrySet()) {
            long total = e.getValue().values().stream().mapToLong(Long::longValue).sum();
            for (Map.Entry<String, Double> r : ratios.entrySet()) {
                double share = e.getValue().getOrDefault(r.getKey(), 0L) / (double) total;
                // Rounding to whole images allows 1/total; the rest must be tight.
                double tolerance = 0.02 + 1.0 / total;
                worst = Math.max(worst, Math.abs(share - r.getValue()) - 1.0 / total);
                assertEquals(r.getValue(), share, tolerance, "class " + e.getKey() + " (" + total + " images) in "
                        + r.getKey());
            }
        }
        assertTrue(worst < 0.02, "worst deviation beyond rounding: " + worst);
    }
}
