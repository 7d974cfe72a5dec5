package loupe.core.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;
import loupe.core.model.BoundingBox;

/**
 * The gallery's view of an indexed catalog: a filtered selection of images numbered in path order, made by
 * {@link #select(ImageFilter)} as a DuckDB TEMP table of (row number, path) on the catalog's connection, which
 * {@link #page} reads in ranges of row numbers, so a page of a million-image selection is a range scan, not an
 * OFFSET. A page's sizes, box and problem counts are looked up for its rows only.
 *
 * <p>{@link #prepare()} (once per connection, after the first page is shown) copies the images, in path order and
 * numbered, with each one's box and problem counts and the span of row ids its annotations occupy, into a TEMP
 * table: a page then reads a range of that table and its boxes from a row-id range of the annotations (both
 * pruned by DuckDB's zone maps) instead of scanning three million annotations per page. The catalog itself is
 * never written.
 *
 * <p>Not thread-safe: one catalog connection, used by one thread at a time (see {@link CatalogSession}).
 */
public final class GalleryQuery {

    /** Boxes beyond this many per image are not loaded for drawing (the count still says how many there are). */
    public static final int MAX_BOXES_PER_ITEM = 300;

    static final String SELECTION = "loupe_gallery_selection";
    static final String IMAGES = "loupe_gallery_images";

    private final Catalog catalog;
    private long selected = -1;
    private ImageFilter filter;
    /** True once {@link #IMAGES} exists; the selection then holds each image's number in it. */
    private boolean prepared;

    public GalleryQuery(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Replaces the selection with the images {@code filter} lets through, numbered 0.. in path order.
     *
     * @return how many images it holds
     */
    public long select(ImageFilter filter) throws CatalogException {
        List<Object> parameters = new ArrayList<>();
        String where = filter.where(parameters);
        if (prepared) {
            Statements.execute(catalog, "CREATE OR REPLACE TEMP TABLE " + SELECTION + " AS"
                    + " SELECT (row_number() OVER (ORDER BY g.ord) - 1) AS rn, g.path, g.ord FROM " + IMAGES + " g"
                    + " WHERE " + where + " ORDER BY rn", parameters.toArray());
        } else {
            Statements.execute(catalog, "CREATE OR REPLACE TEMP TABLE " + SELECTION + " AS"
                    + " SELECT (row_number() OVER (ORDER BY g.path) - 1) AS rn, g.path FROM images g"
                    + " WHERE " + where + " ORDER BY rn", parameters.toArray());
        }
        this.filter = filter;
        selected = catalog.queryLong("SELECT count(*) FROM " + SELECTION);
        return selected;
    }

    /**
     * Makes the per-session table that speeds up {@link #page} (a second or two on a million images; nothing when
     * done before) and selects the current filter again into it. Pages read before and after are the same.
     */
    public void prepare() throws CatalogException {
        if (prepared) {
            return;
        }
        // From here on one DuckDB thread: the first page is shown, and queries now run while the user scrolls;
        // a second busy core would be the FX thread's. The setting is the process's database's: CatalogSession
        // resets it when it closes the catalog.
        Statements.execute(catalog, "SET threads = 1");
        Statements.execute(catalog, "CREATE OR REPLACE TEMP TABLE " + IMAGES + " AS"
                + " WITH b AS (SELECT image_path AS path, min(rowid) AS lo, max(rowid) AS hi,"
                + " count(*) FILTER (WHERE x IS NOT NULL) AS boxes FROM annotations GROUP BY image_path),"
                + " p AS (SELECT path, count(*) AS n FROM problems WHERE severity <> 'INFO' GROUP BY path)"
                + " SELECT (row_number() OVER (ORDER BY i.path) - 1) AS ord, i.*, coalesce(b.boxes, 0) AS loupe_boxes,"
                + " b.lo AS loupe_lo, b.hi AS loupe_hi, coalesce(p.n, 0) AS loupe_problems"
                + " FROM images i LEFT JOIN b ON b.path = i.path LEFT JOIN p ON p.path = i.path ORDER BY ord");
        prepared = true;
        if (filter != null) {
            select(filter);
        }
    }
    /** How many images the current selection holds; -1 before the first {@link #select}. */
    public long size() {
        return selected;
    }

    /** Counts the images {@code filter} lets through without changing the selection. */
    public long count(ImageFilter filter) throws CatalogException {
        List<Object> parameters = new ArrayList<>();
        String where = filter.where(parameters);
        return catalog.queryLong("SELECT count(*) FROM images g WHERE " + where, parameters.toArray());
    }

    /**
     * The items numbered {@code from} (inclusive) to {@code from + count} (exclusive) of the selection, with
     * their boxes; fewer at the end, none past it.
     */
    public List<GalleryItem> page(long from, int count) throws CatalogException {
        if (selected < 0) {
            throw new IllegalStateException("select() a filter before reading pages");
        }
        long to = from + count;
        if (prepared) {
            return preparedPage(from, to);
        }
        String rows = "(SELECT path FROM " + SELECTION + " WHERE rn >= ? AND rn < ?)";
        Map<String, List<GalleryItem.Box>> boxes = new HashMap<>();
        Map<String, Integer> boxCounts = new HashMap<>();
        catalog.query("SELECT a.image_path, a.class_id, a.x, a.y, a.w, a.h FROM annotations a"
                        + " SEMI JOIN " + rows + " s ON s.path = a.image_path WHERE a.x IS NOT NULL",
                rs -> {
                    String path = rs.getString(1);
                    boxCounts.merge(path, 1, Integer::sum);
                    addBox(boxes, path, rs);
                    return null;
                }, from, to);
        Map<String, Integer> problems = new HashMap<>();
        catalog.query("SELECT p.path, count(*) FROM problems p SEMI JOIN " + rows + " s ON s.path = p.path"
                        + " WHERE p.severity <> 'INFO' GROUP BY p.path",
                rs -> problems.put(rs.getString(1), rs.getInt(2)), from, to);
        return catalog.query("SELECT s.rn, i.path, i.split, coalesce(i.width, 0), coalesce(i.height, 0),"
                        + " coalesce(i.size, 0), coalesce(i.mtime, 0), i.present, coalesce(i.orientation, 0)"
                        + " FROM " + SELECTION + " s"
                        + " JOIN images i ON i.path = s.path WHERE s.rn >= ? AND s.rn < ? ORDER BY s.rn",
                rs -> {
                    String path = rs.getString(2);
                    return new GalleryItem(rs.getLong(1), path, rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getInt(9), rs.getLong(6), rs.getLong(7), rs.getBoolean(8),
                            boxCounts.getOrDefault(path, 0), problems.getOrDefault(path, 0),
                            boxes.getOrDefault(path, List.of()));
                },
                from, to);
    }

    private static void addBox(Map<String, List<GalleryItem.Box>> boxes, String path, java.sql.ResultSet rs)
            throws java.sql.SQLException {
        List<GalleryItem.Box> list = boxes.computeIfAbsent(path, k -> new ArrayList<>());
        if (list.size() < MAX_BOXES_PER_ITEM) {
            list.add(new GalleryItem.Box(rs.getInt(2),
                    new BoundingBox(rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6))));
        }
    }

    /** A page read through {@link #IMAGES}: ranges of numbers and row ids, so DuckDB skips what is outside. */
    private List<GalleryItem> preparedPage(long from, long to) throws CatalogException {
        long[] ords = {Long.MAX_VALUE, Long.MIN_VALUE};
        catalog.query("SELECT min(ord), max(ord) FROM " + SELECTION + " WHERE rn >= ? AND rn < ?", rs -> {
            ords[0] = rs.getLong(1);
            ords[1] = rs.wasNull() ? Long.MIN_VALUE : rs.getLong(2);
            return null;
        }, from, to);
        if (ords[1] < ords[0]) {
            return List.of();
        }
        // The bounds are numbers written into the SQL: DuckDB prunes by zone maps only on constant ranges.
        record Row(long rn, String path, String split, int width, int height, int orientation, long size,
                   long mtime, boolean present, int boxes, int problems) {
        }
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
        List<Row> rows = catalog.query("SELECT s.rn, g.path, g.split, coalesce(g.width, 0), coalesce(g.height, 0),"
                        + " coalesce(g.size, 0), coalesce(g.mtime, 0), g.present, g.loupe_boxes, g.loupe_problems,"
                        + " g.loupe_lo, g.loupe_hi, coalesce(g.orientation, 0) FROM " + IMAGES + " g JOIN " + SELECTION + " s ON s.ord = g.ord"
                        + " WHERE g.ord BETWEEN " + ords[0] + " AND " + ords[1]
                        + " AND s.ord BETWEEN " + ords[0] + " AND " + ords[1]
                        + " AND s.rn >= ? AND s.rn < ? ORDER BY s.rn",
                rs -> {
                    if (rs.getInt(9) > 0) {
                        span[0] = Math.min(span[0], rs.getLong(11));
                        span[1] = Math.max(span[1], rs.getLong(12));
                    }
                    return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getInt(13), rs.getLong(6), rs.getLong(7), rs.getBoolean(8), rs.getInt(9),
                            rs.getInt(10));
                }, from, to);
        Map<String, List<GalleryItem.Box>> boxes = new HashMap<>();
        if (span[1] >= span[0]) {
            catalog.query("SELECT a.image_path, a.class_id, a.x, a.y, a.w, a.h FROM annotations a"
                            + " SEMI JOIN (SELECT path FROM " + SELECTION + " WHERE rn >= ? AND rn < ?) s"
                            + " ON s.path = a.image_path"
                            + " WHERE a.rowid BETWEEN " + span[0] + " AND " + span[1] + " AND a.x IS NOT NULL",
                    rs -> {
                        addBox(boxes, rs.getString(1), rs);
                        return null;
                    }, from, to);
        }
        List<GalleryItem> items = new ArrayList<>(rows.size());
        for (Row r : rows) {
            items.add(new GalleryItem(r.rn(), r.path(), r.split(), r.width(), r.height(), r.orientation(), r.size(),
                    r.mtime(), r.present(), r.boxes(), r.problems(), boxes.getOrDefault(r.path(), List.of())));
        }
        return items;
    }

    /** The split names of the dataset, sorted; images without a split are not listed. */
    public List<String> splits() throws CatalogException {
        return catalog.query("SELECT DISTINCT split FROM images WHERE split IS NOT NULL ORDER BY split",
                rs -> rs.getString(1));
    }

    /** Problem kinds present in the catalog with their counts, most frequent first. */
    public Map<String, Long> problemKinds() throws CatalogException {
        Map<String, Long> kinds = new java.util.LinkedHashMap<>();
        catalog.query("SELECT kind, count(*) FROM problems GROUP BY kind ORDER BY count(*) DESC, kind",
                rs -> kinds.put(rs.getString(1), rs.getLong(2)));
        return kinds;
    }
}
