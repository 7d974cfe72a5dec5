package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.export.ManifestFormat;
import loupe.core.export.ManifestWriter;
import loupe.core.export.ShardSize;
import loupe.core.export.ShardWriter;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.model.ClassLabel;
import loupe.core.task.Progress;
import loupe.testing.Csv;

/** Manifests and shards of a recipe's result ({@link CurationSession#exportSelection()}). */
class SelectionExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private Path source;
    private Path catalogFile;

    @BeforeEach
    void dataset() throws IOException {
        source = ExporterTest.dataset(work.resolve("src"));
        catalogFile = work.resolve("catalog.duckdb");
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(1, null)).index(catalog, source, Progress.NONE);
        }
    }

    /** What the session selected, read through the export path (one entry per image). */
    private record Expected(Map<String, String> splits, Map<String, List<String>> names, Map<String, Integer> repeats,
                            List<ClassLabel> classes) {
    }

    private Expected expected(CurationSession session) throws IOException {
        Map<Integer, String> nameOf = new HashMap<>();
        List<ClassLabel> classes = session.selection().classes();
        classes.forEach(c -> nameOf.put(c.id(), c.name()));
        Map<String, String> splits = new TreeMap<>();
        Map<String, List<String>> names = new TreeMap<>();
        session.selection().forEachImage((image, annotations) -> {
            splits.put(image.path(), image.split());
            names.put(image.path(), annotations.stream().map(a -> nameOf.get(a.classId())).distinct().sorted().toList());
        });
        Map<String, Integer> repeats = new TreeMap<>();
        session.forEachItem((split, path, n) -> repeats.put(path, n));
        return new Expected(splits, names, repeats, classes);
    }

    private ManifestWriter.Result manifest(String recipe, Path file, ManifestWriter.Options options,
                                           Expected[] expected) throws IOException {
        try (Catalog catalog = Catalog.open(catalogFile); CurationSession session = CurationSession.open(catalog)) {
            session.evaluate(Recipe.parse(recipe, "r.json"), Progress.NONE);
            if (expected != null) {
                expected[0] = expected(session);
            }
            return new ManifestWriter().write(catalog, session.exportSelection(), file, options, Progress.NONE);
        }
    }

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    @Test
    void emptyRecipeWritesTheSameBytesAsTheWholeCatalog() throws IOException {
        for (ManifestFormat format : List.of(ManifestFormat.CSV, ManifestFormat.JSONL)) {
            for (Long seed : new Long[] {null, 3L}) {
                ManifestWriter.Options options = new ManifestWriter.Options(format, seed, seed == null ? 0 : 2, null,
                        false);
                Path whole = work.resolve("whole-" + seed + "." + format.id());
                try (Catalog catalog = Catalog.open(catalogFile)) {
                    new ManifestWriter().write(catalog, whole, options, Progress.NONE);
                }
                Path recipe = work.resolve("recipe-" + seed + "." + format.id());
                manifest("{}", recipe, options, null);
                assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(recipe), format + " seed " + seed);
            }
        }
    }

    @Test
    void manifestListsTheRecipesItemsWithMergedLabelsAndNewSplits() throws IOException {
        String recipe = """
                {"seed": 2,
                 "filter": {"problems": {"none": ["MISSING_IMAGE"]}},
                 "labels": {"merge": {"vehicle": ["car", "truck"]}, "dropBoxes": ["junk"]},
                 "split": {"method": "random", "ratios": {"train": 0.5, "val": 0.5}}}
                """;
        Expected[] expected = new Expected[1];
        Path file = work.resolve("m.jsonl");
        ManifestWriter.Result result = manifest(recipe, file,
                new ManifestWriter.Options(ManifestFormat.JSONL, null, 0, null, false), expected);
        Expected e = expected[0];
        assertEquals(40, e.splits().size(), "the missing image is filtered out");
        List<JsonNode> rows = jsonLines(file);
        assertEquals(40, result.rows());
        Map<String, String> splits = new TreeMap<>();
        Map<String, List<String>> names = new TreeMap<>();
        for (JsonNode row : rows) {
            splits.put(row.get("path").asText(), row.get("split").asText());
            List<String> rowNames = new ArrayList<>();
            row.get("class_names").forEach(n -> rowNames.add(n.asText()));
            names.put(row.get("path").asText(), rowNames.stream().sorted().toList());
            int boxes = 0;
            for (JsonNode label : row.get("labels")) {
                boxes += label.get("boxes").asInt();
            }
            assertEquals(row.get("box_count").asInt(), boxes);
        }
        assertEquals(e.splits(), splits);
        assertEquals(e.names(), names);
        TreeSet<String> all = new TreeSet<>();
        names.values().forEach(all::addAll);
        assertEquals(new TreeSet<>(List.of("tree", "vehicle")), all, "car and truck merged, junk's boxes dropped");
        // Image g0_0.jpg had car + junk + tree boxes: junk is gone, car counts as vehicle.
        JsonNode first = rows.stream().filter(r -> r.get("path").asText().endsWith("g0_0.jpg")).findFirst().orElseThrow();
        assertEquals(2, first.get("annotation_count").asInt());
        assertEquals("[\"vehicle\",\"tree\"]", first.get("class_names").toString());
        assertTrue(splits.values().stream().allMatch(s -> s.equals("train") || s.equals("val")));
    }

    @Test
    void csvOfARecipeParsesBackToItsJsonLines() throws IOException {
        String recipe = "{\"labels\": {\"rename\": {\"tree\": \"pl\\\"ant, green\"}}}";
        Path jsonl = work.resolve("m.jsonl");
        Path csv = work.resolve("m.csv");
        manifest(recipe, jsonl, new ManifestWriter.Options(ManifestFormat.JSONL, null, 0, null, false), null);
        manifest(recipe, csv, new ManifestWriter.Options(ManifestFormat.CSV, null, 0, null, false), null);
        List<JsonNode> rows = jsonLines(jsonl);
        List<List<String>> records = Csv.parse(Files.readString(csv, StandardCharsets.UTF_8));
        assertEquals(rows.size() + 1, records.size());
        List<String> header = records.get(0);
        for (int r = 0; r < rows.size(); r++) {
            List<String> fields = records.get(r + 1);
            JsonNode row = rows.get(r);
            assertEquals(row.get("path").asText(), fields.get(header.indexOf("path")));
            for (String list : List.of("class_ids", "class_names", "labels")) {
                assertEquals(row.get(list), JSON.readTree(fields.get(header.indexOf(list))), list + " of row " + r);
            }
        }
        assertTrue(rows.stream().anyMatch(r -> r.get("class_names").toString().contains("pl\\\"ant, green")),
                "the renamed label is in the lists");
    }

    @Test
    void oversampledItemsAreListedOncePerRepeatAndShuffledApart() throws IOException {
        String recipe = """
                {"seed": 1, "labels": {"dropBoxes": ["junk"]},
                 "balance": {"oversample": {"targetRatio": 1.0, "splits": ["train", "val"]}}}
                """;
        Expected[] expected = new Expected[1];
        Path file = work.resolve("m.jsonl");
        ManifestWriter.Result result = manifest(recipe, file,
                new ManifestWriter.Options(ManifestFormat.JSONL, 9L, 1, null, false), expected);
        Map<String, Integer> repeats = expected[0].repeats();
        int total = repeats.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(total > repeats.size(), "the recipe repeats some items: " + repeats);
        assertEquals(total, result.rows());
        List<JsonNode> rows = jsonLines(file);
        Map<String, Integer> counted = new TreeMap<>();
        for (int r = 0; r < rows.size(); r++) {
            counted.merge(rows.get(r).get("path").asText(), 1, Integer::sum);
            assertEquals(r, rows.get(r).get("epoch_0").asInt(), "rows are in epoch 0's order");
        }
        assertEquals(repeats, counted);
        // Repeats hash differently, so no item sits next to itself everywhere.
        int adjacent = 0;
        for (int r = 1; r < rows.size(); r++) {
            adjacent += rows.get(r).get("path").equals(rows.get(r - 1).get("path")) ? 1 : 0;
        }
        assertTrue(adjacent < total - repeats.size(), "repeats are shuffled apart, " + adjacent + " adjacent");
    }

    @Test
    void shardsHoldTheRecipesSamplesWithTheirNewLabelsAndSplits() throws IOException {
        String recipe = """
                {"seed": 4,
                 "filter": {"splits": ["train"], "problems": {"none": ["MISSING_IMAGE"]}},
                 "labels": {"merge": {"vehicle": ["car", "truck"]}, "dropBoxes": ["junk"]},
                 "split": {"method": "random", "ratios": {"a": 0.5, "b": 0.5}}}
                """;
        Path out = work.resolve("shards");
        Expected e;
        ShardWriter.Result result;
        try (Catalog catalog = Catalog.open(catalogFile); CurationSession session = CurationSession.open(catalog)) {
            session.evaluate(Recipe.parse(recipe, "r.json"), Progress.NONE);
            e = expected(session);
            result = new ShardWriter().write(catalog, session.exportSelection(), out,
                    new ShardWriter.Options(ShardSize.parse("1000"), null, null, false), Progress.NONE);
        }
        assertEquals(30, e.splits().size(), "30 train images, the missing one filtered out");
        assertEquals(30, result.items());
        assertEquals(0, result.skippedMissing());
        Map<String, String> splits = new TreeMap<>();
        Map<String, List<String>> names = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : tarEntries(out.resolve(result.shards().get(0).file())).entrySet()) {
            if (entry.getKey().endsWith(".json")) {
                JsonNode sample = JSON.readTree(entry.getValue());
                splits.put(sample.get("path").asText(), sample.get("split").asText());
                List<String> sampleNames = new ArrayList<>();
                sample.get("annotations").forEach(a -> sampleNames.add(a.get("class_name").asText()));
                names.put(sample.get("path").asText(), sampleNames.stream().distinct().sorted().toList());
            }
        }
        assertEquals(e.splits(), splits);
        assertEquals(e.names(), names);
        assertNull(names.values().stream().flatMap(List::stream).filter(n -> n.equals("junk") || n.equals("car"))
                .findAny().orElse(null));
    }

    /** Entry name to bytes of a plain ustar/pax tar (only what ShardWriter writes). */
    static Map<String, byte[]> tarEntries(Path tar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = new byte[512];
            String paxName = null;
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) {
                    break;
                }
                String name = new String(header, 0, 100, StandardCharsets.UTF_8).replace("\0", "");
                String prefix = new String(header, 345, 155, StandardCharsets.UTF_8).replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "")
                        .trim(), 8);
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (header[156] == 'x') {
                    for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
                        int eq = line.indexOf(" path=");
                        if (eq >= 0) {
                            paxName = line.substring(eq + 6);
                        }
                    }
                    continue;
                }
                String full = paxName != null ? paxName : prefix.isEmpty() ? name : prefix + "/" + name;
                paxName = null;
                entries.put(full, data);
            }
        }
        return entries;
    }
}
