package loupe.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;
import loupe.testing.TestImages;
import loupe.testing.Csv;

class ManifestWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private Path source;
    private Path catalogFile;

    @BeforeEach
    void coco() throws IOException {
        source = work.resolve("src");
        CocoFixture coco = new CocoFixture(source).categories("car", "tree", "boat");
        int a = coco.image("train", "a.jpg", 200, 100);
        int b = coco.image("train", "b.jpg", 64, 48);
        int c = coco.image("val", "c.jpg", 80, 60);
        coco.image("val", "empty.jpg", 80, 60);
        coco.missingImage("val", "gone.jpg", 30, 20);
        coco.box(a, 1, 10, 20, 50, 30).box(a, 2, 0, 0, 10, 10).box(a, 1, 5, 5, 5, 5).box(b, 3, 1, 2, 3, 4)
                .box(c, 7, 1, 1, 5, 5);   // class 7 is not defined: name null
        coco.write();
        catalogFile = work.resolve("catalog.duckdb");
        index();
    }

    private void index() throws IOException {
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(2, null)).index(catalog, source, Progress.NONE);
        }
    }

    private ManifestWriter.Result write(Path file, ManifestWriter.Options options) throws IOException {
        try (Catalog catalog = Catalog.open(catalogFile)) {
            return new ManifestWriter().write(catalog, file, options, Progress.NONE);
        }
    }

    private static ManifestWriter.Options options(ManifestFormat format) {
        return new ManifestWriter.Options(format, null, 0, null, false);
    }

    /** Reads any of the three formats back through an in-memory DuckDB (the way a user would). */
    private static List<Map<String, Object>> duckdbRows(Path file) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + ManifestWriter.literal(file.toString()))) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnName(i),
                            v instanceof java.sql.Array a ? java.util.Arrays.asList((Object[]) a.getArray()) : v);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void parquetRowsEqualTheCatalog() throws Exception {
        Path file = work.resolve("out/m.parquet");
        ManifestWriter.Result result = write(file, options(ManifestFormat.PARQUET));
        assertEquals(5, result.rows());
        assertEquals(Files.size(file), result.bytes());
        List<Map<String, Object>> rows = duckdbRows(file);
        assertEquals(5, rows.size());
        assertEquals(List.of("images/train/a.jpg", "images/train/b.jpg", "images/val/c.jpg", "images/val/empty.jpg",
                "images/val/gone.jpg"), rows.stream().map(r -> r.get("path")).toList());
        Map<String, Object> a = rows.get(0);
        assertEquals(Files.size(source.resolve("images/train/a.jpg")), ((Number) a.get("size")).longValue());
        assertEquals(200, ((Number) a.get("width")).intValue());
        assertEquals(100, ((Number) a.get("height")).intValue());
        assertEquals("train", a.get("split"));
        assertEquals("jpeg", a.get("format"));
        assertEquals(true, a.get("present"));
        assertEquals(List.of(1, 2), a.get("class_ids"));
        assertEquals(List.of("car", "tree"), a.get("class_names"));
        assertEquals(3L, ((Number) a.get("annotation_count")).longValue());
        assertEquals(3L, ((Number) a.get("box_count")).longValue());
        assertNull(a.get("content_hash"));
        Map<String, Object> gone = rows.get(4);
        assertEquals(false, gone.get("present"));
        assertNull(gone.get("size"));
        assertEquals(30, ((Number) gone.get("width")).intValue());
        assertEquals(List.of(), rows.get(3).get("class_ids"));
        assertEquals(0L, ((Number) rows.get(3).get("box_count")).longValue());
    }

    @Test
    void parquetLabelsArePerClassStructs() throws Exception {
        Path file = work.resolve("m.parquet");
        write(file, options(ManifestFormat.PARQUET));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT l.id, l.name, l.count, l.boxes FROM (SELECT unnest(labels) AS l"
                     + " FROM " + ManifestWriter.literal(file.toString()) + " WHERE path = 'images/train/a.jpg')")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
            assertEquals("car", rs.getString(2));
            assertEquals(2, rs.getLong(3));
            assertEquals(2, rs.getLong(4));
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1));
            assertEquals("tree", rs.getString(2));
            assertEquals(1, rs.getLong(3));
            assertFalse(rs.next());
        }
    }

    @Test
    void jsonLinesParseBackWithJackson() throws Exception {
        Path file = work.resolve("m.jsonl");
        write(file, options(ManifestFormat.JSONL));
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(5, lines.size());
        JsonNode a = JSON.readTree(lines.get(0));
        assertEquals("images/train/a.jpg", a.get("path").asText());
        assertEquals(200, a.get("width").asInt());
        assertEquals("[1,2]", a.get("class_ids").toString());
        assertEquals("[\"car\",\"tree\"]", a.get("class_names").toString());
        assertEquals(3, a.get("box_count").asInt());
        JsonNode car = a.get("labels").get(0);
        assertEquals(1, car.get("id").asInt());
        assertEquals("car", car.get("name").asText());
        assertEquals(2, car.get("count").asInt());
        assertTrue(a.get("content_hash").isNull());
        JsonNode c = JSON.readTree(lines.get(2));
        assertEquals("[7]", c.get("class_ids").toString());
        assertTrue(c.get("class_names").get(0).isNull(), "an undefined class id has no name");
    }

    @Test
    void csvParsesBackWithListsAsJsonText() throws Exception {
        Path file = work.resolve("m.csv");
        write(file, options(ManifestFormat.CSV));
        List<List<String>> rows = Csv.parse(Files.readString(file));
        List<String> header = rows.get(0);
        assertEquals(List.of("path", "size", "width", "height", "split", "format", "present", "class_ids",
                "class_names", "annotation_count", "box_count", "labels", "content_hash"), header);
        assertEquals(6, rows.size());
        List<String> a = rows.get(1);
        assertEquals("images/train/a.jpg", a.get(0));
        assertEquals("[1,2]", JSON.readTree(a.get(header.indexOf("class_ids"))).toString());
        assertEquals("car", JSON.readTree(a.get(header.indexOf("class_names"))).get(0).asText());
        assertEquals(2, JSON.readTree(a.get(header.indexOf("labels"))).get(0).get("count").asInt());
        assertEquals("", a.get(header.indexOf("content_hash")));
    }

    @Test
    void namesWithCommasQuotesAndUnicodeSurviveCsv() throws Exception {
        source = work.resolve("folders");
        String odd = "a, \"quoted\" ünï 東京.png";
        TestImages.write(source.resolve("train/cat").resolve(odd), 8, 8);
        TestImages.write(source.resolve("train/dog/plain.png"), 8, 8);
        catalogFile = work.resolve("folders.duckdb");
        index();
        Path file = work.resolve("odd.csv");
        write(file, options(ManifestFormat.CSV));
        List<List<String>> rows = Csv.parse(Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("train/cat/" + odd, rows.get(1).get(0));
        assertEquals("[\"cat\"]", rows.get(1).get(8));
        assertEquals("0", rows.get(1).get(10), "an image-level label has no box");
        assertEquals("1", rows.get(1).get(9));
        assertEquals("[{\"id\":0,\"name\":\"cat\",\"count\":1,\"boxes\":0}]", rows.get(1).get(11));
        assertEquals("train/dog/plain.png", rows.get(2).get(0));
    }

    @Test
    void shuffleIsDeterministicSeedDependentAndReproducibleWithMd5() throws Exception {
        List<String> first = paths(write(work.resolve("s1.parquet"), seeded(42, 0)));
        List<String> again = paths(write(work.resolve("s2.parquet"), seeded(42, 0)));
        assertEquals(first, again);
        List<String> byPath = first.stream().sorted().toList();
        assertEquals(byPath, paths(write(work.resolve("p.parquet"), options(ManifestFormat.PARQUET))));
        // The documented key, computed independently: md5("<seed>:<epoch>:<path>") as hex, ascending.
        assertEquals(byPath.stream().sorted(Comparator.comparing(p -> md5Hex("42:0:" + p))).toList(), first);
        boolean someSeedDiffers = false;
        for (long seed = 1; seed <= 5 && !someSeedDiffers; seed++) {
            someSeedDiffers = !paths(write(work.resolve("s" + seed + "x.parquet"), seeded(seed, 0))).equals(first);
        }
        assertTrue(someSeedDiffers, "five other seeds all gave seed 42's order");
    }

    @Test
    void epochColumnsArePermutationsInTheDocumentedOrder() throws Exception {
        Path file = work.resolve("e.parquet");
        ManifestWriter.Result result = write(file, seeded(7, 3));
        assertEquals(3, result.epochs());
        List<Map<String, Object>> rows = duckdbRows(file);
        for (int e = 0; e < 3; e++) {
            int epoch = e;
            List<Long> positions = rows.stream().map(r -> ((Number) r.get("epoch_" + epoch)).longValue())
                    .sorted().toList();
            assertEquals(longsUpTo(rows.size()), positions);
            List<String> order = rows.stream()
                    .sorted(Comparator.comparingLong(r -> ((Number) r.get("epoch_" + epoch)).longValue()))
                    .map(r -> (String) r.get("path")).toList();
            assertEquals(rows.stream().map(r -> (String) r.get("path"))
                    .sorted(Comparator.comparing(p -> md5Hex("7:" + epoch + ":" + p))).toList(), order);
        }
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, ((Number) rows.get(i).get("epoch_0")).intValue(), "rows are in epoch 0's order");
        }
    }

    @Test
    void sahiAerialSampleRowsMatchTheSourceCounts() throws Exception {
        // Counted with python over the seven *_coco.json files: terrain1.jpg has 28 annotations, terrain2.png 20,
        // terrain3.png 20 but no file; 68 in all, each with a bbox.
        source = loupe.testing.SharedSamples.dir("sahi", "tests_data", "coco_utils");
        catalogFile = work.resolve("sahi.duckdb");
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(2, "coco")).index(catalog, source, Progress.NONE);
        }
        Path file = work.resolve("sahi.jsonl");
        assertEquals(3, write(file, options(ManifestFormat.JSONL)).rows());
        Map<String, JsonNode> rows = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode row = JSON.readTree(line);
            rows.put(row.get("path").asText(), row);
        }
        assertEquals(28, rows.get("terrain1.jpg").get("annotation_count").asInt());
        assertEquals(28, rows.get("terrain1.jpg").get("box_count").asInt());
        assertEquals(20, rows.get("terrain2.png").get("annotation_count").asInt());
        assertFalse(rows.get("terrain3.png").get("present").asBoolean());
        assertEquals(20, rows.get("terrain3.png").get("annotation_count").asInt());
        int perClass = 0;
        for (JsonNode l : rows.get("terrain1.jpg").get("labels")) {
            perClass += l.get("count").asInt();
        }
        assertEquals(28, perClass);
    }

    @Test
    void datasetWithoutClassesOrAnnotationsStillListsItsImages() throws Exception {
        source = work.resolve("plain");
        CocoFixture coco = new CocoFixture(source);
        coco.image("train", "x.png", 8, 8);
        coco.image("train", "y.png", 8, 8);
        coco.write();
        catalogFile = work.resolve("plain.duckdb");
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(2, "coco")).index(catalog, source, Progress.NONE);
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM classes"));
        }
        for (ManifestFormat format : ManifestFormat.values()) {
            Path file = work.resolve("plain." + format.id());
            assertEquals(2, write(file, new ManifestWriter.Options(format, 3L, 2, null, false)).rows(), format.id());
        }
        JsonNode x = JSON.readTree(Files.readAllLines(work.resolve("plain.jsonl")).get(0));
        assertEquals("[]", x.get("class_ids").toString());
        assertEquals("[]", x.get("labels").toString());
        assertEquals(0, x.get("box_count").asInt());
    }

    @Test
    void splitOptionKeepsOnlyThatSplit() throws Exception {
        Path file = work.resolve("val.jsonl");
        ManifestWriter.Result r = write(file, new ManifestWriter.Options(ManifestFormat.JSONL, null, 0, "val", false));
        assertEquals(3, r.rows());
        for (String line : Files.readAllLines(file)) {
            assertEquals("val", JSON.readTree(line).get("split").asText());
        }
    }

    @Test
    void contentHashesComeFromTheCatalogWhenItHasThem() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + catalogFile);
             Statement st = c.createStatement()) {
            // The catalog's own hash table (filled by `loupe index --hashes`).
            st.execute("INSERT INTO image_hashes(path, size, mtime, content_hash)"
                    + " SELECT path, size, mtime, md5(path) FROM images WHERE path <> 'images/train/b.jpg'");
            // A stale hash (another mtime) must not be reported.
            st.execute("UPDATE image_hashes SET mtime = mtime + 1 WHERE path = 'images/val/c.jpg'");
        }
        Path file = work.resolve("h.jsonl");
        ManifestWriter.Result r = write(file, options(ManifestFormat.JSONL));
        assertEquals("image_hashes.content_hash", r.contentHashes());
        List<String> lines = Files.readAllLines(file);
        JsonNode a = JSON.readTree(lines.get(0));
        assertEquals(md5Hex("images/train/a.jpg"), a.get("content_hash").asText());
        assertTrue(JSON.readTree(lines.get(1)).get("content_hash").isNull(), "no hash row");
        assertTrue(JSON.readTree(lines.get(2)).get("content_hash").isNull(), "stale hash");
        assertEquals(5, lines.size(), "a hash table never multiplies rows");
    }

    @Test
    void textFormatsHoldTheSameRowsInTheSameOrderAsParquet() throws Exception {
        // CSV and JSON Lines lines are built by string concatenation, Parquet by DuckDB's writer: read back by
        // DuckDB (the CSV's JSON text lists parsed), all three must agree, whatever the order options.
        for (ManifestWriter.Options o : List.of(options(ManifestFormat.PARQUET),
                new ManifestWriter.Options(ManifestFormat.PARQUET, 5L, 0, null, false),
                new ManifestWriter.Options(ManifestFormat.PARQUET, 5L, 2, null, false),
                new ManifestWriter.Options(ManifestFormat.PARQUET, null, 0, "val", false))) {
            List<String> parquet = canonicalRows(work.resolve("x.parquet"), o, ManifestFormat.PARQUET);
            assertEquals(o.split() == null ? 5 : 3, parquet.size(), o.toString());
            assertEquals(parquet, canonicalRows(work.resolve("x.jsonl"), o, ManifestFormat.JSONL), o.toString());
            assertEquals(parquet, canonicalRows(work.resolve("x.csv"), o, ManifestFormat.CSV), o.toString());
        }
    }

    /** The rows of one format as comparable text: lists as JSON, in file order. */
    private List<String> canonicalRows(Path file, ManifestWriter.Options o, ManifestFormat format) throws Exception {
        write(file, new ManifestWriter.Options(format, o.shuffleSeed(), o.epochs(), o.split(), true));
        String list = format == ManifestFormat.CSV ? "json(%s)::VARCHAR" : "to_json(%s)::VARCHAR";
        StringBuilder epochs = new StringBuilder();
        for (int e = 0; e < o.epochs(); e++) {
            epochs.append(", epoch_").append(e).append("::BIGINT");
        }
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT concat_ws('|', path, size::BIGINT, width::BIGINT,"
                     + " height::BIGINT, coalesce(split, '<null>'), coalesce(format, '<null>'), present,"
                     + " annotation_count::BIGINT, box_count::BIGINT, coalesce(content_hash::VARCHAR, '<null>'), "
                     + String.format(list, "class_ids") + ", " + String.format(list, "class_names") + ", "
                     + String.format(list, "labels") + epochs + ") FROM "
                     + ManifestWriter.literal(file.toString()))) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    @Test
    void labelSummaryFollowsAReindex() throws Exception {
        Path file = work.resolve("r.parquet");
        write(file, options(ManifestFormat.PARQUET));
        assertEquals(List.of(1, 2), duckdbRows(file).get(0).get("class_ids"));
        // b.jpg loses its only box and empty.jpg gains two.
        CocoFixture coco = new CocoFixture(source).categories("car", "tree", "boat");
        int a = coco.image("train", "a.jpg", 200, 100);
        coco.image("train", "b.jpg", 64, 48);
        int c = coco.image("val", "c.jpg", 80, 60);
        int empty = coco.image("val", "empty.jpg", 80, 60);
        coco.missingImage("val", "gone.jpg", 30, 20);
        coco.box(a, 3, 1, 1, 2, 2).box(c, 1, 1, 1, 5, 5).box(empty, 2, 1, 1, 5, 5).box(empty, 2, 2, 2, 5, 5);
        coco.write();
        index();
        write(file, new ManifestWriter.Options(ManifestFormat.PARQUET, null, 0, null, true));
        List<Map<String, Object>> rows = duckdbRows(file);
        assertEquals(List.of(3), rows.get(0).get("class_ids"));
        assertEquals(List.of(), rows.get(1).get("class_ids"));
        assertEquals(List.of("tree"), rows.get(3).get("class_names"));
        assertEquals(2L, ((Number) rows.get(3).get("box_count")).longValue());
    }

    @Test
    void catalogWithoutTheCsvColumnsWritesTheSameCsv() throws Exception {
        source = work.resolve("folders");
        TestImages.write(source.resolve("train/a \"b\", c/x.png"), 8, 8);
        TestImages.write(source.resolve("train/dog/plain.png"), 8, 8);
        catalogFile = work.resolve("folders.duckdb");
        index();
        Path current = work.resolve("current.csv");
        write(current, options(ManifestFormat.CSV));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + catalogFile);
             Statement st = c.createStatement()) {
            // What a catalog indexed before the CSV-ready columns looks like.
            st.execute("ALTER TABLE image_labels DROP COLUMN class_names_csv");
            st.execute("ALTER TABLE image_labels DROP COLUMN labels_csv");
        }
        Path older = work.resolve("older.csv");
        write(older, options(ManifestFormat.CSV));
        assertEquals(Files.readString(current), Files.readString(older));
        List<List<String>> rows = Csv.parse(Files.readString(current, StandardCharsets.UTF_8));
        assertEquals("[\"a \\\"b\\\", c\"]", rows.get(1).get(8));
        assertEquals("[{\"id\":0,\"name\":\"a \\\"b\\\", c\",\"count\":1,\"boxes\":0}]", rows.get(1).get(11));
    }

    @Test
    void catalogIndexedBeforeTheLabelSummaryGetsItWhenOpened() throws Exception {
        Path before = work.resolve("before.jsonl");
        write(before, options(ManifestFormat.JSONL));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + catalogFile);
             Statement st = c.createStatement()) {
            // What a catalog of the previous version looks like: no image_labels rows.
            st.execute("DELETE FROM image_labels");
        }
        Path after = work.resolve("after.jsonl");
        write(after, options(ManifestFormat.JSONL));
        assertEquals(Files.readString(before), Files.readString(after));
    }

    @Test
    void refusesToOverwriteUnlessAskedAndLeavesNoTemporaryFiles() throws Exception {
        Path file = work.resolve("out/m.csv");
        write(file, options(ManifestFormat.CSV));
        assertThrows(FileAlreadyExistsException.class, () -> write(file, options(ManifestFormat.CSV)));
        write(file, new ManifestWriter.Options(ManifestFormat.JSONL, null, 0, null, true));
        assertTrue(Files.readString(file).startsWith("{"), "replaced by the JSON Lines manifest");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void cancelledRunLeavesNothing() throws Exception {
        Path out = work.resolve("cancel");
        Files.createDirectories(out);
        Progress cancelled = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        try (Catalog catalog = Catalog.open(catalogFile)) {
            assertThrows(CancellationException.class, () -> new ManifestWriter().write(catalog,
                    out.resolve("m.parquet"), options(ManifestFormat.PARQUET), cancelled));
        }
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void refusesToWriteInsideTheDataset() {
        IOException e = assertThrows(IOException.class,
                () -> write(source.resolve("manifest.csv"), options(ManifestFormat.CSV)));
        assertTrue(e.getMessage().contains("inside the dataset"), e.getMessage());
        assertFalse(Files.exists(source.resolve("manifest.csv")));
    }

    @Test
    void formatComesFromTheFileName() {
        assertEquals(ManifestFormat.PARQUET, ManifestFormat.fromFileName(Path.of("x/m.parquet")).orElseThrow());
        assertEquals(ManifestFormat.JSONL, ManifestFormat.fromFileName(Path.of("m.jsonl")).orElseThrow());
        assertEquals(ManifestFormat.CSV, ManifestFormat.fromFileName(Path.of("m.CSV")).orElseThrow());
        assertTrue(ManifestFormat.fromFileName(Path.of("manifest")).isEmpty());
    }

    private static ManifestWriter.Options seeded(long seed, int epochs) {
        return new ManifestWriter.Options(ManifestFormat.PARQUET, seed, epochs, null, false);
    }

    private static List<String> paths(ManifestWriter.Result result) throws SQLException {
        return duckdbRows(Path.of(result.file())).stream().map(r -> (String) r.get("path")).toList();
    }

    private static List<Long> longsUpTo(int n) {
        return IntStream.range(0, n).mapToObj(i -> (long) i).toList();
    }

    static String md5Hex(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
