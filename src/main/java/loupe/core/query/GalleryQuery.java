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
 * <p>Not thread-safe: one catalog connection, used by one thread at a time (see {@link CatalogSession}).
 */
public final class GalleryQuery {

    /** Boxes beyond this many per image are not loaded for drawing (the count still says how many there are). */
    public static final int MAX_BOXES_PER_ITEM = 300;

    static final String SELECTION = "loupe_gallery_selection";

    private final Catalog catalog;
    private long selected = -1;

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
        Statements.execute(catalog, "CREATE OR REPLACE TEMP TABLE " + SELECTION + " AS"
                + " SELECT (row_number() OVER (ORDER BY g.path) - 1) AS rn, g.path FROM images g"
                + " WHERE " + where + " ORDER BY rn", parameters.toArray());
        selected = catalog.queryLong("SELECT count(*) FROM " + SELECTION);
        return selected;
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
        String rows = "(SELECT path FROM " + SELECTION + " WHERE rn >= ? AND rn < ?)";
        Map<String, List<GalleryItem.Box>> boxes = new HashMap<>();
        Map<String, Integer> boxCounts = new HashMap<>();
        catalog.query("SELECT a.image_path, a.class_id, a.x, a.y, a.w, a.h FROM annotations a"
                        + " SEMI JOIN " + rows + " s ON s.path = a.image_path WHERE a.x IS NOT NULL",
                rs -> {
                    String path = rs.getString(1);
                    boxCounts.merge(path, 1, Integer::sum);
                    List<GalleryItem.Box> list = boxes.computeIfAbsent(path, k -> new ArrayList<>());
                    if (list.size() < MAX_BOXES_PER_ITEM) {
                        list.add(new GalleryItem.Box(rs.getInt(2),
                                new BoundingBox(rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6))));
                    }
                    return null;
                }, from, to);
        Map<String, Integer> problems = new HashMap<>();
        catalog.query("SELECT p.path, count(*) FROM problems p SEMI JOIN " + rows + " s ON s.path = p.path"
                        + " WHERE p.severity <> 'INFO' GROUP BY p.path",
                rs -> problems.put(rs.getString(1), rs.getInt(2)), from, to);
        return catalog.query("SELECT s.rn, i.path, i.split, coalesce(i.width, 0), coalesce(i.height, 0),"
                        + " coalesce(i.size, 0), coalesce(i.mtime, 0), i.present FROM " + SELECTION + " s"
                        + " JOIN images i ON i.path = s.path WHERE s.rn >= ? AND s.rn < ? ORDER BY s.rn",
                rs -> {
                    String path = rs.getString(2);
                    return new GalleryItem(rs.getLong(1), path, rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getLong(6), rs.getLong(7), rs.getBoolean(8), boxCounts.getOrDefault(path, 0),
                            problems.getOrDefault(path, 0), boxes.getOrDefault(path, List.of()));
                },
                from, to);
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
