package loupe.core.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import loupe.core.imaging.ImageHeader;
import loupe.core.model.Annotation;
import loupe.core.model.Problem;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The persistent index of one dataset: an embedded DuckDB database, outside the dataset (see
 * {@link CatalogLocation}). The schema and the reasons for it are in {@code docs/decisions/0001-catalog.md}.
 *
 * <p>Crash safety: the indexer writes new rows into {@code stage_*} tables as it goes and changes the
 * dataset tables only in one transaction at the end ({@link #commit}). A process killed at any point leaves
 * the last complete index readable; image headers read before the kill survive in {@code stage_headers} and
 * are reused by the next index.
 *
 * <p>Not thread-safe except for {@link Stage}, whose methods are synchronized. One process at a time may
 * open a catalog (DuckDB holds a file lock).
 */
public final class Catalog implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Catalog.class);

    static final int SCHEMA_VERSION = 3;

    /**
     * Per-image label summary, derived from annotations and classes in {@link #commit}: exactly one row per row of
     * {@code images}, in the same (path) order, so readers can pair the two with a {@code POSITIONAL JOIN}
     * instead of grouping millions of annotations (the manifest does; see ManifestWriter). Lists are by class
     * id; a name is null for an id the dataset does not define; the {@code *_json} columns hold the same lists
     * as compact JSON text, because JSON-encoding them at read time cost more than the rest of a manifest;
     * {@code class_names_csv} and {@code labels_csv} hold those two again as whole CSV fields (quoted, inner quotes
     * doubled), because quoting them at read time was half of a CSV manifest's time.
     */
    private static final String IMAGE_LABELS_SCHEMA = "CREATE TABLE IF NOT EXISTS image_labels(path VARCHAR,"
            + " annotation_count BIGINT, box_count BIGINT, class_ids INTEGER[], class_names VARCHAR[],"
            + " labels STRUCT(id INTEGER, name VARCHAR, count BIGINT, boxes BIGINT)[], class_ids_json VARCHAR,"
            + " class_names_json VARCHAR, labels_json VARCHAR, class_names_csv VARCHAR, labels_csv VARCHAR)";

    /** Rebuilds {@code image_labels} from images, annotations and classes (see {@link #IMAGE_LABELS_SCHEMA}). */
    // Counts per (image, class) first, then one list per image sorted afterwards: ordered aggregates
    // (list(... ORDER BY id)) were twice as slow. The JSON text is assembled from the class names' JSON (80-odd
    // to_json calls) rather than to_json of every list, which took 40% longer (1M images, 3M boxes: 7 s).
    private static final String IMAGE_LABELS_SQL = "CREATE OR REPLACE TABLE image_labels AS " + imageLabelsSelect(
            "classes", "SELECT image_path AS path, class_id AS id, count(*) AS count, count(x) AS boxes"
                    + " FROM annotations GROUP BY ALL", "images", "i.path");

    /**
     * The query behind {@code image_labels} over any sources of the same shape: {@code classes} (id, name),
     * {@code perClassCounts} (path, id, count, boxes: one row per image and class) and {@code images} (a table
     * with a path per row, aliased {@code i}), ordered by {@code orderBy}. The curation session uses it over its
     * relabelled selection, so a recipe's manifest has exactly these columns.
     */
    public static String imageLabelsSelect(String classes, String perClassCounts, String images, String orderBy) {
        return "WITH c AS (SELECT id, name, coalesce(to_json(name)::VARCHAR, 'null') AS json,"
                + "   replace(coalesce(to_json(name)::VARCHAR, 'null'), '\"', '\"\"') AS csv FROM " + classes + "),"
                + " pc AS (" + perClassCounts + "),"
                + " per AS (SELECT pc.path, sum(pc.count)::BIGINT AS annotation_count, sum(pc.boxes)::BIGINT AS box_count,"
                + "   list_sort(list({'id': pc.id, 'name': c.name, 'count': pc.count, 'boxes': pc.boxes,"
                + "     'json': coalesce(c.json, 'null'), 'csv': coalesce(c.csv, 'null')})) AS l"
                + "   FROM pc LEFT JOIN c ON c.id = pc.id GROUP BY pc.path)"
                + " SELECT i.path, coalesce(p.annotation_count, 0)::BIGINT AS annotation_count,"
                + "   coalesce(p.box_count, 0)::BIGINT AS box_count,"
                + "   coalesce(list_transform(p.l, s -> s.id), []::INTEGER[]) AS class_ids,"
                + "   coalesce(list_transform(p.l, s -> s.name), []::VARCHAR[]) AS class_names,"
                + "   coalesce(list_transform(p.l, s -> {'id': s.id, 'name': s.name, 'count': s.count, 'boxes': s.boxes}),"
                + "     []::STRUCT(id INTEGER, name VARCHAR, count BIGINT, boxes BIGINT)[]) AS labels,"
                + "   concat('[', array_to_string(list_transform(p.l, s -> coalesce(s.id::VARCHAR, 'null')), ','), ']')"
                + "     AS class_ids_json,"
                + "   concat('[', array_to_string(list_transform(p.l, s -> s.json), ','), ']') AS class_names_json,"
                + "   concat('[', array_to_string(list_transform(p.l, s -> concat('{\"id\":', coalesce(s.id::VARCHAR, 'null'),"
                + "     ',\"name\":', s.json, ',\"count\":', s.count, ',\"boxes\":', s.boxes, '}')), ','), ']') AS labels_json,"
                + "   concat('\"[', array_to_string(list_transform(p.l, s -> s.csv), ','), ']\"') AS class_names_csv,"
                + "   concat('\"[', array_to_string(list_transform(p.l, s -> concat('{\"\"id\"\":', coalesce(s.id::VARCHAR, 'null'),"
                + "     ',\"\"name\"\":', s.csv, ',\"\"count\"\":', s.count, ',\"\"boxes\"\":', s.boxes, '}')), ','), ']\"')"
                + "     AS labels_csv"
                + " FROM " + images + " i LEFT JOIN per p ON p.path = i.path ORDER BY " + orderBy;
    }

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS meta(key VARCHAR PRIMARY KEY, value VARCHAR)",
        "CREATE TABLE IF NOT EXISTS files(path VARCHAR, size BIGINT, mtime BIGINT)",
        "CREATE TABLE IF NOT EXISTS header_cache(path VARCHAR, size BIGINT, mtime BIGINT, width INTEGER,"
                + " height INTEGER, format VARCHAR, error VARCHAR, channels INTEGER, bit_depth INTEGER,"
                + " orientation INTEGER)",
        "CREATE TABLE IF NOT EXISTS units(key VARCHAR, fingerprint BIGINT)",
        "CREATE TABLE IF NOT EXISTS decl_images(unit VARCHAR, path VARCHAR, split VARCHAR, decl_width INTEGER,"
                + " decl_height INTEGER)",
        "CREATE TABLE IF NOT EXISTS classes_raw(unit VARCHAR, id INTEGER, name VARCHAR)",
        "CREATE TABLE IF NOT EXISTS annotations(unit VARCHAR, image_path VARCHAR, class_id INTEGER, x DOUBLE,"
                + " y DOUBLE, w DOUBLE, h DOUBLE, polygons BLOB, crowd BOOLEAN, attributes VARCHAR)",
        "CREATE TABLE IF NOT EXISTS reader_problems(unit VARCHAR, severity VARCHAR, kind VARCHAR, path VARCHAR,"
                + " location VARCHAR, message VARCHAR)",
        "CREATE TABLE IF NOT EXISTS images(path VARCHAR, split VARCHAR, size BIGINT, mtime BIGINT, width INTEGER,"
                + " height INTEGER, format VARCHAR, present BOOLEAN, decl_width INTEGER, decl_height INTEGER,"
                + " channels INTEGER, bit_depth INTEGER, orientation INTEGER)",
        "CREATE TABLE IF NOT EXISTS classes(id INTEGER, name VARCHAR)",
        IMAGE_LABELS_SCHEMA,
        "CREATE TABLE IF NOT EXISTS problems(severity VARCHAR, kind VARCHAR, path VARCHAR, location VARCHAR,"
                + " message VARCHAR)",
        // Content checks (opt-in): per-file results cached by size and mtime, and the problems they found.
        "CREATE TABLE IF NOT EXISTS image_hashes(path VARCHAR, size BIGINT, mtime BIGINT, content_hash VARCHAR,"
                + " dhash BIGINT, dhash_error VARCHAR)",
        "CREATE TABLE IF NOT EXISTS decode_cache(path VARCHAR, size BIGINT, mtime BIGINT, error VARCHAR)",
        "CREATE TABLE IF NOT EXISTS audit_problems(severity VARCHAR, kind VARCHAR, path VARCHAR, location VARCHAR,"
                + " message VARCHAR)",
        // Headers are the one staged result worth keeping across a crash; the rest is staged in TEMP tables,
        // which skip the write-ahead log (appender flushes to durable tables dominated indexing time).
        "CREATE TABLE IF NOT EXISTS stage_headers AS SELECT * FROM header_cache LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_files AS SELECT * FROM files LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_units AS SELECT * FROM units LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_kept_units(key VARCHAR)",
        "CREATE TEMP TABLE IF NOT EXISTS stage_decl_images AS SELECT * FROM decl_images LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_classes AS SELECT * FROM classes_raw LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_annotations AS SELECT * FROM annotations LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_problems AS SELECT * FROM reader_problems LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_hashes AS SELECT * FROM image_hashes LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_decodes AS SELECT * FROM decode_cache LIMIT 0",
        "CREATE TEMP TABLE IF NOT EXISTS stage_audit_problems AS SELECT * FROM audit_problems LIMIT 0",
    };

    private static final String[] STAGE_TABLES = {"stage_files", "stage_headers", "stage_units",
        "stage_kept_units", "stage_decl_images", "stage_classes", "stage_annotations", "stage_problems"};

    /** Boxes may overshoot the image by rounding (YOLO's normalised coordinates): tolerate this much, in px. */
    private static final double BOUNDS_TOLERANCE_PX = 0.01;

    private final Path file;
    private final DuckDBConnection connection;

    private Catalog(Path file, DuckDBConnection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens (creating when absent) the catalog in {@code file}.
     *
     * @throws CatalogException when the file cannot be opened, e.g. another Loupe process holds it
     */
    public static Catalog open(Path file) throws CatalogException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new CatalogException("cannot create the catalog folder for " + file, e);
        }
        DuckDbLibrary.await();
        try {
            Class.forName("org.duckdb.DuckDBDriver");
            DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
            Catalog catalog = new Catalog(file, connection);
            catalog.createSchema();
            return catalog;
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("lock")) {
                throw new CatalogException("the catalog " + file + " is in use by another Loupe process", e);
            }
            throw new CatalogException("cannot open the catalog " + file, e);
        } catch (ClassNotFoundException e) {
            throw new CatalogException("the DuckDB driver is missing", e);
        }
    }

    /**
     * Opens the catalog in {@code file} on a thread of its own, so that work that needs no catalog (listing and
     * stat'ing a dataset) runs while DuckDB's native library loads (a few hundred ms of every command's start).
     */
    public static Opening openAside(Path file) {
        return new Opening(file);
    }

    /** A catalog being opened (see {@link #openAside}); closing it closes the catalog once it is open. */
    public static final class Opening implements AutoCloseable {
        private final boolean fresh;
        private final CompletableFuture<Catalog> catalog;
        /** Whether closing this closes the catalog (not for {@link #of}: its caller owns the catalog). */
        private final boolean owned;

        private Opening(Path file) {
            this.fresh = !Files.exists(file);
            this.catalog = new CompletableFuture<>();
            this.owned = true;
            Thread thread = new Thread(() -> {
                try {
                    catalog.complete(open(file));
                } catch (Throwable e) {
                    catalog.completeExceptionally(e);
                }
            }, "loupe-catalog-open");
            thread.setDaemon(true);
            thread.start();
        }

        private Opening(Catalog open) {
            this.fresh = false;
            this.catalog = CompletableFuture.completedFuture(open);
            this.owned = false;
        }

        /** An opening of a catalog that is already open; closing it leaves the catalog open. */
        public static Opening of(Catalog open) {
            return new Opening(open);
        }

        /** True when the file did not exist before: the catalog holds no index yet. */
        public boolean fresh() {
            return fresh;
        }

        /** The open catalog, waiting for it if need be. */
        public Catalog await() throws CatalogException {
            try {
                return catalog.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CatalogException("interrupted while opening the catalog", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof CatalogException c) {
                    throw c;
                }
                throw new CatalogException("cannot open the catalog", e.getCause());
            }
        }

        @Override
        public void close() throws CatalogException {
            Catalog open = catalog.handle((c, e) -> c).join();
            if (open != null && owned) {
                open.close();
            }
        }
    }

    private void createSchema() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS meta(key VARCHAR PRIMARY KEY, value VARCHAR)");
        }
        Optional<String> version = meta("schema_version");
        if (version.isPresent() && !version.get().equals(String.valueOf(SCHEMA_VERSION))) {
            // NOTE: no migrations yet; an old catalog is only a cache, so its tables are dropped and rebuilt.
            try (Statement st = connection.createStatement()) {
                for (String table : List.of("meta", "files", "header_cache", "units", "decl_images", "classes_raw",
                        "annotations", "reader_problems", "images", "classes", "problems", "stage_headers", "image_labels",
                        "image_hashes", "decode_cache", "audit_problems")) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
        try (Statement st = connection.createStatement()) {
            for (String sql : SCHEMA) {
                st.execute(sql);
            }
        }
        setMeta("schema_version", String.valueOf(SCHEMA_VERSION));
    }

    /**
     * Derives {@code image_labels} unless it already matches {@code images} row for row. An index leaves the
     * table empty (see {@link #commit}), so the first reader that needs it (a manifest, shards) builds it once and
     * later ones find it ready. An empty dataset has nothing to derive.
     */
    public void deriveImageLabelsIfStale() throws CatalogException {
        try {
            boolean stale;
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM images)"
                         + " <> (SELECT count(*) FROM image_labels)")) {
                stale = rs.next() && rs.getBoolean(1);
            }
            if (stale) {
                long t0 = System.nanoTime();
                try (Statement st = connection.createStatement()) {
                    st.execute(IMAGE_LABELS_SQL);
                }
                LOG.debug("image_labels derived in {} ms", (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (SQLException e) {
            throw new CatalogException("cannot derive the per-image labels in the catalog", e);
        }
    }

    public Path file() {
        return file;
    }

    /** True when an index has completed at least once (the dataset tables hold a consistent result). */
    public boolean isIndexed() {
        return meta("indexed_at").isPresent();
    }

    /** A value of the {@code meta} table: root, format, format_reason, indexed_at, elapsed_ms ... */
    public Optional<String> meta(String key) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private void setMeta(String key, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    /** Maps one result row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /**
     * Runs a read-only query over the catalog's tables ({@code images}, {@code classes}, {@code annotations},
     * {@code problems}, {@code meta}; see the schema decision record) with positional parameters.
     */
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) throws CatalogException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new CatalogException("catalog query failed", e);
        }
    }

    /** Receives rows one at a time; may throw IOException to stop. */
    @FunctionalInterface
    public interface RowConsumer {
        void accept(ResultSet row) throws SQLException, IOException;
    }

    /** Streams the rows of a read-only query without collecting them, for results too big to hold. */
    public void forEachRow(String sql, RowConsumer consumer, Object... parameters) throws IOException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(rs);
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("catalog query failed", e);
        }
    }

    /** A single number from a query such as {@code SELECT count(*) FROM images}. */
    public long queryLong(String sql, Object... parameters) throws CatalogException {
        List<Long> rows = query(sql, rs -> rs.getLong(1), parameters);
        return rows.isEmpty() ? 0 : rows.get(0);
    }

    // ---------------------------------------------------------------- indexer side (package-private)

    /**
     * Moves image headers a killed run left in staging into the cache (they are keyed by size and mtime, so
     * always valid), then empties staging.
     */
    void recoverStaging() throws CatalogException {
        try (Statement st = connection.createStatement()) {
            st.execute("INSERT INTO header_cache SELECT * FROM stage_headers");
            for (String table : STAGE_TABLES) {
                st.execute("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new CatalogException("cannot clean up the catalog's staging tables", e);
        }
    }

    /** Staged files whose header is not cached for their current size and mtime (images or not). */
    List<String> pathsWithoutCachedHeader() throws CatalogException {
        return query("SELECT s.path FROM stage_files s ANTI JOIN header_cache h"
                + " ON h.path = s.path AND h.size = s.size AND h.mtime = s.mtime", rs -> rs.getString(1));
    }

    /** Receives a cached image header. */
    interface HeaderConsumer {
        void accept(String path, ImageHeader header);
    }

    /** Streams the cached headers with a known size (corrupt files too, when their size was read) of the staged files (those whose size and mtime still match). */
    void forEachCachedHeader(HeaderConsumer consumer) throws CatalogException {
        query("SELECT h.path, h.width, h.height, h.format, h.channels, h.bit_depth, h.orientation FROM header_cache h"
                + " JOIN stage_files s ON h.path = s.path AND h.size = s.size AND h.mtime = s.mtime WHERE h.width > 0",
                rs -> {
                    consumer.accept(rs.getString(1), new ImageHeader(rs.getInt(2), rs.getInt(3), rs.getString(4),
                            rs.getInt(5), rs.getInt(6), rs.getInt(7)));
                    return null;
                });
    }

    /**
     * Records a run that found nothing changed: only {@code meta} is updated (and the problems rebuilt when
     * the pixel budget changed); staging is emptied.
     */
    void commitUnchanged(Map<String, String> meta, long maxPixels) throws CatalogException {
        try (Statement st = connection.createStatement()) {
            boolean budgetChanged = !String.valueOf(maxPixels).equals(meta("max_pixels").orElse(""));
            if (budgetChanged) {
                st.execute(problemsSql(maxPixels));
            }
            for (Map.Entry<String, String> e : meta.entrySet()) {
                setMeta(e.getKey(), e.getValue());
            }
            for (String table : STAGE_TABLES) {
                st.execute("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new CatalogException("cannot save the index to the catalog", e);
        }
    }

    Map<String, Long> loadUnitFingerprints() throws CatalogException {
        Map<String, Long> units = new HashMap<>();
        query("SELECT key, fingerprint FROM units", rs -> units.put(rs.getString(1), rs.getLong(2)));
        return units;
    }

    Stage openStage() throws CatalogException {
        try {
            return new Stage(connection);
        } catch (SQLException e) {
            throw new CatalogException("cannot write to the catalog", e);
        }
    }

    /**
     * Replaces the dataset tables with the staged results in one transaction: rows of units not in
     * {@code stage_kept_units} are dropped, staged rows are added, and the derived tables (images, classes,
     * problems) are rebuilt, including the dataset-wide checks. {@code image_labels} is emptied, not rebuilt:
     * only manifests read it, and building it took as long as staging 900k annotations (1.3 s of a 5 s index of
     * 120k images), so {@link #deriveImageLabelsIfStale} builds it on first use.
     */
    void commit(Map<String, String> meta, long maxPixels) throws CatalogException {
        String[] steps = {
            "DELETE FROM decl_images WHERE unit NOT IN (SELECT key FROM stage_kept_units)",
            "DELETE FROM classes_raw WHERE unit NOT IN (SELECT key FROM stage_kept_units)",
            "DELETE FROM annotations WHERE unit NOT IN (SELECT key FROM stage_kept_units)",
            "DELETE FROM reader_problems WHERE unit NOT IN (SELECT key FROM stage_kept_units)",
            "INSERT INTO decl_images SELECT * FROM stage_decl_images",
            "INSERT INTO classes_raw SELECT * FROM stage_classes",
            "INSERT INTO annotations SELECT * FROM stage_annotations",
            "INSERT INTO reader_problems SELECT * FROM stage_problems",
            "DELETE FROM units",
            "INSERT INTO units SELECT * FROM stage_units",
            "DELETE FROM files",
            "INSERT INTO files SELECT * FROM stage_files",
            // Keep one cached header per current file state; forget files that are gone or changed.
            "CREATE OR REPLACE TABLE header_cache AS SELECT DISTINCT ON (h.path) h.* FROM"
                    + " (SELECT * FROM header_cache UNION ALL SELECT * FROM stage_headers) h"
                    + " JOIN files f ON f.path = h.path AND f.size = h.size AND f.mtime = h.mtime",
            "CREATE OR REPLACE TABLE images AS"
                    + " WITH d AS (SELECT path, max(split) AS split, max(decl_width) AS dw, max(decl_height) AS dh"
                    + "   FROM decl_images GROUP BY path)"
                    + " SELECT d.path, d.split, f.size, f.mtime,"
                    + "   CASE WHEN h.width > 0 THEN h.width ELSE d.dw END AS width,"
                    + "   CASE WHEN h.height > 0 THEN h.height ELSE d.dh END AS height,"
                    + "   h.format, f.path IS NOT NULL AS present, d.dw AS decl_width, d.dh AS decl_height,"
                    + "   h.channels, h.bit_depth, h.orientation"
                    + " FROM d LEFT JOIN files f ON f.path = d.path"
                    + " LEFT JOIN header_cache h ON h.path = d.path ORDER BY d.path",
            "CREATE OR REPLACE TABLE classes AS SELECT id, min(name) AS name FROM classes_raw GROUP BY id ORDER BY id",
            "DELETE FROM image_labels",
            // Content checks ran on the files as they were: a later --hashes run finds them again.
            "DELETE FROM audit_problems",
            problemsSql(maxPixels),
        };
        try {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                for (String sql : steps) {
                    long t0 = System.nanoTime();
                    st.execute(sql);
                    LOG.debug("{} ms: {}", (System.nanoTime() - t0) / 1_000_000, sql.length() > 90 ? sql.substring(0, 90) : sql);
                }
                for (Map.Entry<String, String> e : meta.entrySet()) {
                    setMeta(e.getKey(), e.getValue());
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            try (Statement st = connection.createStatement()) {
                for (String table : STAGE_TABLES) {
                    st.execute("DELETE FROM " + table);
                }
                st.execute("CHECKPOINT");
            }
        } catch (SQLException e) {
            throw new CatalogException("cannot save the index to the catalog", e);
        }
    }

    /**
     * The statement that rebuilds {@code problems} from the readers' problems, the dataset-wide checks on the
     * derived tables, and the content checks' {@code audit_problems}.
     */
    private static String problemsSql(long maxPixels) {
        String tol = String.valueOf(BOUNDS_TOLERANCE_PX);
        return "CREATE OR REPLACE TABLE problems AS"
                + " SELECT severity, kind, path, location, message FROM reader_problems"
                // The message names the annotation file that lists the image (when its unit is named by a file:
                // a COCO JSON, a VOC XML), so a user finds the file to fix.
                + " UNION ALL SELECT 'ERROR', 'MISSING_IMAGE', i.path, '',"
                + "   'the annotations list this image but the file does not exist'"
                + "   || coalesce(' (listed in ' || l.file || ')', '')"
                + "   FROM images i LEFT JOIN (SELECT a.image_path, min(split_part(a.unit, '#', 1)) AS file"
                + "     FROM annotations a SEMI JOIN images m ON m.path = a.image_path AND NOT m.present"
                + "     SEMI JOIN files f ON f.path = split_part(a.unit, '#', 1) GROUP BY a.image_path) l"
                + "   ON l.image_path = i.path WHERE NOT i.present"
                + " UNION ALL SELECT 'ERROR', 'CORRUPT_IMAGE', i.path, '', h.error"
                + "   FROM images i JOIN header_cache h ON h.path = i.path WHERE h.error IS NOT NULL"
                + " UNION ALL SELECT 'WARNING', 'OTHER', path, '',"
                + "   printf('the annotations declare %dx%d but the image is %dx%d', decl_width, decl_height,"
                + "   width, height) FROM images"
                + "   WHERE decl_width > 0 AND decl_height > 0 AND format IS NOT NULL"
                + "   AND (decl_width <> width OR decl_height <> height)"
                + " UNION ALL SELECT 'INFO', 'IMAGE_WITHOUT_ANNOTATIONS', i.path, '', 'image has no annotations'"
                + "   FROM images i ANTI JOIN annotations a ON a.image_path = i.path WHERE i.present"
                + " UNION ALL SELECT 'ERROR', 'UNKNOWN_CLASS', a.image_path, a.unit,"
                + "   printf('class id %d is not among the dataset''s %d classes', a.class_id,"
                + "   (SELECT count(*) FROM classes))"
                + "   FROM annotations a ANTI JOIN classes c ON c.id = a.class_id"
                + " UNION ALL SELECT 'ERROR', 'INVALID_BOX', image_path, unit,"
                + "   printf('box (%.2f, %.2f, %.2f, %.2f) has zero or negative size', x, y, w, h)"
                + "   FROM annotations WHERE x IS NOT NULL AND (NOT (w > 0) OR NOT (h > 0))"
                + " UNION ALL SELECT 'WARNING', 'BOX_OUT_OF_BOUNDS', a.image_path, a.unit,"
                + "   printf('box (%.2f, %.2f, %.2f, %.2f) lies %s outside the %dx%d image', a.x, a.y, a.w, a.h,"
                + "   CASE WHEN a.x >= i.width OR a.y >= i.height OR a.x + a.w <= 0 OR a.y + a.h <= 0"
                + "   THEN 'wholly' ELSE 'partly' END, i.width, i.height)"
                + "   FROM annotations a JOIN images i ON i.path = a.image_path"
                + "   WHERE a.x IS NOT NULL AND a.w > 0 AND a.h > 0 AND i.width > 0 AND i.height > 0"
                + "   AND (a.x < -" + tol + " OR a.y < -" + tol + " OR a.x + a.w > i.width + " + tol
                + "   OR a.y + a.h > i.height + " + tol + ")"
                + " UNION ALL SELECT 'WARNING', 'EXIF_ORIENTATION', path, '',"
                + "   printf('EXIF orientation %d (%s): viewers and loaders that apply it show %s, so the boxes may be"
                + " in the other frame', orientation,"
                + "   CASE orientation WHEN 2 THEN 'mirrored left-right' WHEN 3 THEN 'rotated 180°'"
                + "   WHEN 4 THEN 'mirrored top-bottom' WHEN 5 THEN 'transposed' WHEN 6 THEN 'rotated 90° clockwise'"
                + "   WHEN 7 THEN 'transversed' ELSE 'rotated 90° counter-clockwise' END,"
                + "   CASE WHEN orientation >= 5 THEN printf('a %dx%d image, not the stored %dx%d', height, width,"
                + "   width, height) ELSE 'the stored pixels turned or mirrored' END)"
                + "   FROM images WHERE present AND orientation > 1"
                + " UNION ALL SELECT 'WARNING', 'IMAGE_TOO_LARGE', path, '',"
                + "   printf('%dx%d = %d pixels exceeds the pixel budget of %d (--max-pixels); decoders such as"
                + " PIL refuse or warn on it', width, height, width::BIGINT * height, " + maxPixels + "::BIGINT)"
                + "   FROM images WHERE present AND format IS NOT NULL AND width::BIGINT * height > " + maxPixels
                + " UNION ALL SELECT 'INFO', 'IMAGE_NOT_IN_ANNOTATIONS', f.path, '',"
                + "   'image file under the dataset root that no annotation file lists'"
                + "   FROM files f ANTI JOIN images i ON i.path = f.path"
                + "   WHERE regexp_matches(lower(f.path), '\\.(jpe?g|png|bmp|gif|tiff?|webp)$')"
                + " UNION ALL SELECT severity, kind, path, location, message FROM audit_problems";
    }

    /** One image's content-check results, for {@link #saveContentChecks}. Null fields were not computed. */
    record ContentRow(String path, long size, long mtime, String contentHash, Long dhash, String dhashError,
                      boolean decoded, String decodeError) {
    }

    /**
     * Stores what the content checks computed this run (merged into the caches, which keep only rows whose
     * file still has that size and mtime), replaces the content-check problems and rebuilds {@code problems},
     * in one transaction.
     */
    void saveContentChecks(List<ContentRow> rows, List<loupe.core.model.Problem> found, Map<String, String> meta)
            throws CatalogException {
        long maxPixels = meta("max_pixels").map(Long::parseLong).orElse(IndexOptions.DEFAULT_MAX_PIXELS);
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("DELETE FROM stage_hashes");
                st.execute("DELETE FROM stage_decodes");
                st.execute("DELETE FROM stage_audit_problems");
            }
            try (DuckDBAppender hashes = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "stage_hashes");
                 DuckDBAppender decodes = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "stage_decodes");
                 DuckDBAppender problems = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA,
                         "stage_audit_problems")) {
                for (ContentRow r : rows) {
                    if (r.contentHash() != null || r.dhash() != null || r.dhashError() != null) {
                        hashes.beginRow().append(r.path()).append(r.size()).append(r.mtime()).append(r.contentHash());
                        if (r.dhash() == null) {
                            hashes.appendNull();
                        } else {
                            hashes.append(r.dhash().longValue());
                        }
                        hashes.append(r.dhashError()).endRow();
                    }
                    if (r.decoded()) {
                        decodes.beginRow().append(r.path()).append(r.size()).append(r.mtime()).append(r.decodeError())
                                .endRow();
                    }
                }
                for (loupe.core.model.Problem p : found) {
                    problems.beginRow().append(p.severity().name()).append(p.kind().name()).append(p.path())
                            .append(p.location()).append(p.message()).endRow();
                }
            }
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                for (String table : List.of("image_hashes", "decode_cache")) {
                    String stage = table.equals("image_hashes") ? "stage_hashes" : "stage_decodes";
                    st.execute("CREATE OR REPLACE TABLE " + table + " AS SELECT DISTINCT ON (c.path) c.* FROM"
                            + " (SELECT * FROM " + stage + " UNION ALL SELECT * FROM " + table + ") c"
                            + " JOIN files f ON f.path = c.path AND f.size = c.size AND f.mtime = c.mtime");
                }
                st.execute("DELETE FROM audit_problems");
                st.execute("INSERT INTO audit_problems SELECT * FROM stage_audit_problems");
                st.execute(problemsSql(maxPixels));
                for (Map.Entry<String, String> e : meta.entrySet()) {
                    setMeta(e.getKey(), e.getValue());
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            try (Statement st = connection.createStatement()) {
                st.execute("DELETE FROM stage_hashes");
                st.execute("DELETE FROM stage_decodes");
                st.execute("DELETE FROM stage_audit_problems");
                st.execute("CHECKPOINT");
            }
        } catch (SQLException e) {
            throw new CatalogException("cannot save the content checks to the catalog", e);
        }
    }

    @Override
    public void close() throws CatalogException {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new CatalogException("cannot close the catalog", e);
        }
    }

    /**
     * Appends index results to the staging tables. Every method is synchronized: parser threads call it
     * concurrently. Appenders are flushed (committed) every few thousand rows, so a killed run keeps what
     * it had read.
     */
    static final class Stage implements Staging, AutoCloseable {
        private static final int FLUSH_EVERY = 50_000;

        private final DuckDBAppender files;
        private final DuckDBAppender headers;
        private final DuckDBAppender units;
        private final DuckDBAppender keptUnits;
        private final DuckDBAppender images;
        private final DuckDBAppender classes;
        private final DuckDBAppender annotations;
        private final DuckDBAppender problems;
        private int headersSinceFlush;

        Stage(DuckDBConnection connection) throws SQLException {
            files = appender(connection, "stage_files");
            headers = appender(connection, "stage_headers");
            units = appender(connection, "stage_units");
            keptUnits = appender(connection, "stage_kept_units");
            images = appender(connection, "stage_decl_images");
            classes = appender(connection, "stage_classes");
            annotations = appender(connection, "stage_annotations");
            problems = appender(connection, "stage_problems");
        }

        /**
         * An appender usable from the parser threads. DuckDB confines an appender to the thread that made it
         * unless told otherwise; every use here is serialised by this Stage's monitor, and the appender's own
         * lock is taken as well, as DuckDB asks.
         */
        private final Map<DuckDBAppender, java.util.concurrent.locks.Lock> locks = new HashMap<>();

        private DuckDBAppender appender(DuckDBConnection connection, String table) throws SQLException {
            DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
            locks.put(appender, appender.unsafeBreakThreadConfinement());
            return appender;
        }

        private interface Append {
            void run() throws SQLException;
        }

        private void locked(DuckDBAppender appender, Append append) throws SQLException {
            java.util.concurrent.locks.Lock lock = locks.get(appender);
            lock.lock();
            try {
                append.run();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public synchronized void file(String path, long size, long mtime) throws SQLException {
            locked(files, () -> files.beginRow().append(path).append(size).append(mtime).endRow());
        }

        @Override
        public synchronized void header(String path, long size, long mtime, ImageHeader header, String error)
                throws SQLException {
            locked(headers, () -> {
                headers.beginRow().append(path).append(size).append(mtime)
                        .append(header == null ? 0 : header.width()).append(header == null ? 0 : header.height())
                        .append(header == null ? null : header.format()).append(error)
                        .append(header == null ? 0 : header.channels()).append(header == null ? 0 : header.bitDepth())
                        .append(header == null ? 0 : header.orientation()).endRow();
                if (++headersSinceFlush >= FLUSH_EVERY) {
                    headers.flush();
                    headersSinceFlush = 0;
                }
            });
        }

        @Override
        public synchronized void unit(String key, long fingerprint, boolean kept) throws SQLException {
            locked(units, () -> units.beginRow().append(key).append(fingerprint).endRow());
            if (kept) {
                locked(keptUnits, () -> keptUnits.beginRow().append(key).endRow());
            }
        }

        @Override
        public synchronized void image(String unit, String path, String split, int declaredWidth, int declaredHeight)
                throws SQLException {
            locked(images, () -> images.beginRow().append(unit).append(path).append(split).append(declaredWidth)
                    .append(declaredHeight).endRow());
        }

        @Override
        public synchronized void classLabel(String unit, int id, String name) throws SQLException {
            locked(classes, () -> classes.beginRow().append(unit).append(id).append(name).endRow());
        }

        /** Encodes polygons and attributes on the calling (parser) thread, then appends under the lock. */
        @Override
        public void annotation(String unit, Annotation a) throws SQLException {
            boolean hasBox = a.box() != null;
            byte[] polygons = a.polygons().isEmpty() ? null : Polygons.encode(a.polygons());
            String attributes = a.attributes().isEmpty() ? null : Indexer.attributesJson(a);
            annotation(unit, a.imagePath(), a.classId(), hasBox ? a.box().x() : 0, hasBox ? a.box().y() : 0,
                    hasBox ? a.box().width() : 0, hasBox ? a.box().height() : 0, hasBox, polygons, a.crowd(),
                    attributes);
        }

        @Override
        public void problem(String unit, Problem p) throws SQLException {
            problem(unit, p.severity().name(), p.kind().name(), p.path(), p.location(), p.message());
        }

        synchronized void annotation(String unit, String imagePath, int classId, double x, double y, double w,
                                     double h, boolean hasBox, byte[] polygons, boolean crowd, String attributes)
                throws SQLException {
            locked(annotations, () -> {
                annotations.beginRow().append(unit).append(imagePath).append(classId);
                if (hasBox) {
                    annotations.append(x).append(y).append(w).append(h);
                } else {
                    annotations.appendNull().appendNull().appendNull().appendNull();
                }
                if (polygons == null) {
                    annotations.appendNull();
                } else {
                    annotations.append(polygons);
                }
                annotations.append(crowd).append(attributes).endRow();
            });
        }

        synchronized void problem(String unit, String severity, String kind, String path, String location,
                                  String message) throws SQLException {
            locked(problems, () -> problems.beginRow().append(unit).append(severity).append(kind).append(path)
                    .append(location).append(message).endRow());
        }

        @Override
        public synchronized void flush() throws SQLException {
            for (DuckDBAppender a : all()) {
                locked(a, a::flush);
            }
        }

        private Collection<DuckDBAppender> all() {
            return List.of(files, headers, units, keptUnits, images, classes, annotations, problems);
        }

        @Override
        public synchronized void close() throws SQLException {
            SQLException first = null;
            for (DuckDBAppender a : all()) {
                try {
                    locked(a, a::close);
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
