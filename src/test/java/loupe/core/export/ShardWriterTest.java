package loupe.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;
import loupe.testing.TestImages;

class ShardWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG_NAME = "very-long name.with.dots " + "x".repeat(180) + ".png";

    @TempDir
    Path work;

    private Path source;
    private Path catalogFile;

    /** 8 present images (one with a 200-character name, one truncated), one missing. */
    @BeforeEach
    void coco() throws IOException {
        source = work.resolve("src");
        CocoFixture coco = new CocoFixture(source).categories("car", "tree");
        int a = coco.image("train", "a.jpg", 200, 100);
        coco.box(a, 1, 10, 20, 50, 30).box(a, 2, 0.5, 0.25, 100, 99.75).box(a, 9, 1, 1, 2, 2);
        for (int i = 0; i < 5; i++) {
            int id = coco.image(i < 3 ? "train" : "val", "img" + i + ".jpg", 64 + i, 48);
            coco.box(id, 1 + i % 2, 1, 1, 10, 10);
        }
        coco.image("val", LONG_NAME, 30, 20);
        coco.image("val", "broken.jpg", 90, 90);
        coco.missingImage("val", "gone.jpg", 30, 20);
        coco.write();
        TestImages.truncate(source.resolve("images/val/broken.jpg"));
        catalogFile = work.resolve("catalog.duckdb");
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(2, null)).index(catalog, source, Progress.NONE);
        }
    }

    private ShardWriter.Result write(Path out, ShardWriter.Options options, Progress progress) throws IOException {
        try (Catalog catalog = Catalog.open(catalogFile)) {
            return new ShardWriter().write(catalog, out, options, progress);
        }
    }

    private ShardWriter.Result write(Path out, ShardSize size, Long seed) throws IOException {
        return write(out, new ShardWriter.Options(size, seed, null, false), Progress.NONE);
    }

    /** All samples of all shards in order, as key -> (extension -> bytes), checking the WebDataset grouping. */
    private static Map<String, Map<String, byte[]>> samples(Path out, ShardWriter.Result result) throws IOException {
        Map<String, Map<String, byte[]>> samples = new LinkedHashMap<>();
        for (ShardWriter.ShardInfo shard : result.shards()) {
            List<TarEntries.Entry> entries = TarEntries.read(out.resolve(shard.file()));
            assertEquals(2 * shard.items(), entries.size());
            assertEquals(Files.size(out.resolve(shard.file())), shard.bytes());
            assertEquals(shard.firstKey(), entries.get(0).key());
            assertEquals(shard.lastKey(), entries.get(entries.size() - 1).key());
            for (TarEntries.Entry e : entries) {
                assertFalse(e.name().contains("/"), e.name());
                assertTrue(samples.computeIfAbsent(e.key(), k -> new LinkedHashMap<>()).put(e.extension(), e.data())
                        == null, "duplicate entry " + e.name());
            }
        }
        return samples;
    }

    private static JsonNode json(Map<String, byte[]> sample) throws IOException {
        return JSON.readTree(new String(sample.get("json"), StandardCharsets.UTF_8));
    }

    @Test
    void everyReadableImageIsInExactlyOneSampleAndSkipsAreCounted() throws Exception {
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, ShardSize.items(3), null);
        assertEquals(7, result.items());
        assertEquals(1, result.skippedMissing());
        assertEquals(1, result.skippedCorrupt());
        assertEquals(List.of(new ShardWriter.Skip("images/val/broken.jpg", "corrupt"),
                new ShardWriter.Skip("images/val/gone.jpg", "missing")), result.skipped());
        assertEquals(List.of(3L, 3L, 1L), result.shards().stream().map(ShardWriter.ShardInfo::items).toList());
        Map<String, Map<String, byte[]>> samples = samples(out, result);
        assertEquals(7, samples.size());
        Set<String> paths = new HashSet<>();
        for (Map.Entry<String, Map<String, byte[]>> s : samples.entrySet()) {
            assertFalse(s.getKey().contains("."), "a key has no dot: " + s.getKey());
            assertEquals(2, s.getValue().size());
            JsonNode json = json(s.getValue());
            assertEquals(s.getKey(), json.get("key").asText());
            String path = json.get("path").asText();
            assertTrue(paths.add(path), "twice: " + path);
            String ext = path.endsWith(".png") ? "png" : "jpg";
            assertArrayEquals(Files.readAllBytes(source.resolve(path)), s.getValue().get(ext), path);
        }
        assertEquals(7, paths.size());
        assertFalse(paths.contains("images/val/gone.jpg"));
        assertFalse(paths.contains("images/val/broken.jpg"));
        assertTrue(paths.contains("images/val/" + LONG_NAME));
    }

    @Test
    void sampleJsonCarriesTheCatalogsLabelsInPixels() throws Exception {
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, ShardSize.bytes(1 << 30), null);
        assertEquals(1, result.shards().size());
        Map<String, byte[]> first = samples(out, result).get("000000000_a");
        JsonNode a = json(first);
        assertEquals("images/train/a.jpg", a.get("path").asText());
        assertEquals("train", a.get("split").asText());
        assertEquals(200, a.get("width").asInt());
        assertEquals(100, a.get("height").asInt());
        assertEquals("jpeg", a.get("format").asText());
        assertEquals(Files.size(source.resolve("images/train/a.jpg")), a.get("size").asLong());
        JsonNode anns = a.get("annotations");
        assertEquals(3, anns.size());
        assertEquals(1, anns.get(0).get("class_id").asInt());
        assertEquals("car", anns.get(0).get("class_name").asText());
        assertEquals("[10.0,20.0,50.0,30.0]", anns.get(0).get("box").toString());
        assertEquals("tree", anns.get(1).get("class_name").asText());
        assertEquals("[0.5,0.25,100.0,99.75]", anns.get(1).get("box").toString());
        assertTrue(anns.get(2).get("class_name").isNull(), "class 9 is not defined");
    }

    @Test
    void longNamesBecomeDotFreeKeysInPaxEntriesThatTarReads() throws Exception {
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, ShardSize.items(100), null);
        Map<String, Map<String, byte[]>> samples = samples(out, result);
        String key = samples.keySet().stream().filter(k -> k.contains("very")).findFirst().orElseThrow();
        String prefix = "very-long name.with.dots ";
        assertEquals("000000006_very-long_name_with_dots_" + "x".repeat(150 - prefix.length()), key);
        assertTrue((key + ".png").length() > 100, "the entry needs a PAX name");
        assertEquals("images/val/" + LONG_NAME, json(samples.get(key)).get("path").asText());
        List<String> listed = TarEntries.systemTarList(out.resolve(result.shards().get(0).file()));
        Assumptions.assumeTrue(listed != null, "no tar on this machine");
        assertTrue(listed.contains(key + ".png"), listed.toString());
        assertEquals(14, listed.size());
    }

    @Test
    void byteBudgetIsRespectedUnlessOneSampleExceedsIt() throws Exception {
        long largest = 0;
        try (Stream<Path> files = Files.walk(source.resolve("images"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                largest = Math.max(largest, Files.size(p));
            }
        }
        long budget = 2 * largest + 12 * 1024;   // room for about two samples plus the end record
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, ShardSize.bytes(budget), null);
        assertTrue(result.shards().size() >= 3, result.shards().toString());
        for (ShardWriter.ShardInfo s : result.shards()) {
            assertTrue(s.bytes() <= budget, s + " over " + budget);
        }
        assertEquals(7, samples(out, result).size());
        Path tiny = work.resolve("tiny");
        ShardWriter.Result one = write(tiny, ShardSize.bytes(100), null);
        assertEquals(7, one.shards().size(), "a sample over the budget gets a shard of its own");
        assertTrue(one.shards().stream().allMatch(s -> s.items() == 1));
    }

    @Test
    void indexFileDescribesTheShards() throws Exception {
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, ShardSize.items(4), 5L);
        JsonNode index = JSON.readTree(out.resolve(ShardWriter.INDEX_FILE).toFile());
        assertEquals("webdataset", index.get("format").asText());
        assertEquals(7, index.get("items").asInt());
        assertEquals(4, index.get("shard_max_items").asInt());
        assertEquals(5, index.get("shuffle_seed").asInt());
        assertEquals(2, index.get("shards").size());
        for (int i = 0; i < 2; i++) {
            JsonNode s = index.get("shards").get(i);
            assertEquals(ShardWriter.shardName(i), s.get("file").asText());
            assertEquals(Files.size(out.resolve(s.get("file").asText())), s.get("bytes").asLong());
            assertEquals(result.shards().get(i).firstKey(), s.get("first_key").asText());
        }
        assertEquals(1, index.get("skipped").get("missing").asInt());
        assertEquals(1, index.get("skipped").get("corrupt").asInt());
        Set<String> skipped = new HashSet<>();
        index.get("skipped").get("images")
                .forEach(s -> skipped.add(s.get("path").asText() + " " + s.get("reason").asText()));
        assertEquals(Set.of("images/val/broken.jpg corrupt", "images/val/gone.jpg missing"), skipped);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(3, files.count(), "two shards and the index, nothing else");
        }
    }

    @Test
    void shuffleFollowsTheManifestOrderAndOutputIsReproducible() throws Exception {
        ShardWriter.Result r1 = write(work.resolve("s1"), ShardSize.items(3), 11L);
        ShardWriter.Result r2 = write(work.resolve("s2"), ShardSize.items(3), 11L);
        List<String> order = pathsInOrder(work.resolve("s1"), r1);
        assertEquals(order, pathsInOrder(work.resolve("s2"), r2));
        for (ShardWriter.ShardInfo s : r1.shards()) {
            assertArrayEquals(Files.readAllBytes(work.resolve("s1").resolve(s.file())),
                    Files.readAllBytes(work.resolve("s2").resolve(s.file())), "same seed, same bytes");
        }
        List<String> expected = new ArrayList<>(order);
        expected.sort(java.util.Comparator.comparing(p -> ManifestWriterTest.md5Hex("11:0:" + p)));
        assertEquals(expected, order, "the manifest's documented md5 order");
        ShardWriter.Result plain = write(work.resolve("p"), ShardSize.items(3), null);
        List<String> byPath = pathsInOrder(work.resolve("p"), plain);
        assertEquals(byPath.stream().sorted().toList(), byPath);
        assertNotEquals(byPath, order);
    }

    private static List<String> pathsInOrder(Path out, ShardWriter.Result result) throws IOException {
        List<String> paths = new ArrayList<>();
        for (Map<String, byte[]> s : samples(out, result).values()) {
            paths.add(json(s).get("path").asText());
        }
        return paths;
    }

    @Test
    void polygonsAreWrittenInPixels() throws Exception {
        Path poly = work.resolve("poly");
        TestImages.write(poly.resolve("images/p.jpg"), 40, 30);
        Files.createDirectories(poly.resolve("annotations"));
        Files.writeString(poly.resolve("annotations/instances_train.json"), """
                {"images":[{"id":1,"file_name":"p.jpg","width":40,"height":30}],
                 "annotations":[{"id":1,"image_id":1,"category_id":3,"bbox":[1,2,10,8],"area":40,"iscrowd":0,
                   "segmentation":[[1,2,11,2,11,10,1,10]]}],
                 "categories":[{"id":3,"name":"roof"}]}""");
        catalogFile = work.resolve("poly.duckdb");
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(1, null)).index(catalog, poly, Progress.NONE);
        }
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, ShardSize.items(10), null);
        assertEquals(1, result.items());
        JsonNode ann = json(samples(out, result).values().iterator().next()).get("annotations").get(0);
        assertEquals("roof", ann.get("class_name").asText());
        assertEquals("[[1.0,2.0,11.0,2.0,11.0,10.0,1.0,10.0]]", ann.get("polygons").toString());
    }

    @Test
    void sahiAerialSampleKeepsEveryPolygonAndSkipsTheMissingImage() throws Exception {
        // Counted with python over the seven *_coco.json files: terrain1.jpg has 28 annotations, terrain2.png 20,
        // terrain3.png 20 but no file; every annotation has exactly one polygon.
        Path sahi = loupe.testing.SharedSamples.dir("sahi", "tests_data", "coco_utils");
        catalogFile = work.resolve("sahi.duckdb");
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(2, "coco")).index(catalog, sahi, Progress.NONE);
        }
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, ShardSize.bytes(64L << 20), null);
        assertEquals(2, result.items());
        assertEquals(List.of(new ShardWriter.Skip("terrain3.png", "missing")), result.skipped());
        Map<String, JsonNode> byPath = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, byte[]>> e : samples(out, result).entrySet()) {
            JsonNode json = json(e.getValue());
            byPath.put(json.get("path").asText(), json);
            String ext = json.get("path").asText().endsWith(".png") ? "png" : "jpg";
            assertArrayEquals(Files.readAllBytes(sahi.resolve(json.get("path").asText())), e.getValue().get(ext));
        }
        assertEquals(28, byPath.get("terrain1.jpg").get("annotations").size());
        assertEquals(20, byPath.get("terrain2.png").get("annotations").size());
        for (JsonNode sample : byPath.values()) {
            for (JsonNode a : sample.get("annotations")) {
                assertEquals(1, a.get("polygons").size(), a.toString());
                assertEquals(4, a.get("box").size());
            }
        }
        JsonNode source = JSON.readTree(sahi.resolve("terrain1_coco.json").toFile()).get("annotations").get(0);
        List<String> polygons = new ArrayList<>();
        byPath.get("terrain1.jpg").get("annotations").forEach(a -> polygons.add(numbers(a.get("polygons").get(0))));
        assertTrue(polygons.contains(numbers(source.get("segmentation").get(0))), "first polygon of terrain1_coco.json");
    }

    private static String numbers(JsonNode array) {
        StringBuilder sb = new StringBuilder();
        array.forEach(v -> sb.append(String.format(java.util.Locale.ROOT, "%.3f,", v.asDouble())));
        return sb.toString();
    }

    @Test
    void splitOptionKeepsOnlyThatSplit() throws Exception {
        Path out = work.resolve("out");
        ShardWriter.Result result = write(out, new ShardWriter.Options(ShardSize.items(10), null, "train", false),
                Progress.NONE);
        assertEquals(4, result.items());
        for (Map<String, byte[]> s : samples(out, result).values()) {
            assertEquals("train", json(s).get("split").asText());
        }
    }

    @Test
    void cancelledRunLeavesNothingBehind() throws IOException {
        Path out = work.resolve("out");
        int[] updates = {0};
        Progress cancelAfterTwo = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
                updates[0]++;
            }

            @Override
            public boolean isCancelled() {
                return updates[0] > 2;
            }
        };
        assertThrows(CancellationException.class,
                () -> write(out, new ShardWriter.Options(ShardSize.items(1), null, null, false), cancelAfterTwo));
        assertFalse(Files.exists(out));
        try (Stream<Path> files = Files.list(work)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("loupe-tmp")), "temporary folder left");
        }
    }

    @Test
    void failedRunLeavesNothingBehind() throws IOException {
        Path out = work.resolve("out");
        int[] updates = {0};
        Progress failing = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
                if (++updates[0] > 3) {
                    throw new IllegalStateException("disk on fire");
                }
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        assertThrows(IllegalStateException.class,
                () -> write(out, new ShardWriter.Options(ShardSize.items(1), null, null, false), failing));
        try (Stream<Path> files = Files.list(work)) {
            assertEquals(List.of("catalog.duckdb", "src"), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".wal")).sorted().toList());
        }
    }

    @Test
    void refusesOutputInsideTheDataset() {
        IOException e = assertThrows(IOException.class,
                () -> write(source.resolve("shards"), ShardSize.items(1), null));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        assertFalse(Files.exists(source.resolve("shards")));
    }

    @Test
    void shardSizesParseAsItemsOrBytes() {
        assertEquals(ShardSize.items(1000), ShardSize.parse("1000"));
        assertEquals(ShardSize.bytes(256_000_000), ShardSize.parse("256MB"));
        assertEquals(ShardSize.bytes(256_000_000), ShardSize.parse("256m"));
        assertEquals(ShardSize.bytes(1L << 30), ShardSize.parse("1GiB"));
        assertEquals(ShardSize.bytes(1_500_000_000), ShardSize.parse("1.5GB"));
        assertEquals(ShardSize.bytes(4096), ShardSize.parse("4096B"));
        assertThrows(IllegalArgumentException.class, () -> ShardSize.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> ShardSize.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> ShardSize.parse("2.5"));
    }
}
