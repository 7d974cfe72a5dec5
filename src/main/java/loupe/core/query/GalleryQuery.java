package loupe.core.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;
import loupe.core.model.BoundingBox;

/**
 * The gallery's view of an indexed catalog: a per-image item table (path, size, counts of boxes and problems)
 * made once by {@link #prepare()}, then a filtered selection numbered in path order, made by
 * {@link #select(ImageFilter)}, which {@link #page} reads in ranges of row numbers. Both are DuckDB TEMP tables
 * on the catalog's connection, so a page of a million-image selection is a range scan, not an OFFSET.
 *
 * <p>Not thread-safe: one catalog connection, used by one thread at a time (see {@link CatalogSession}).
 */
public final class GalleryQuery {

    /** Boxes beyond this many per image are not loaded for drawing (the count still says how many there are). */
    public static final int MAX_BOXES_PER_ITEM = 300;

    static final String ITEMS = "loupe_gallery_items";
    static final String SELECTION = "loupe_gallery_selection";

    private final Catalog catalog;
    private boolean prepared;
    private long selected = -1;

    public GalleryQuery(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Builds the item table from the catalog's images, annotations and problems (again, when called again). */
    public void prepare() throws CatalogException {
        Statements.execute(catalog, "CREATE OR REPLACE TEMP TABLE " + ITEMS + " AS"
                + " SELECT i.path, i.split, coalesce(i.width, 0) AS width, coalesce(i.height, 0) AS height,"
                + "   coalesce(i.size, 0) AS size, coalesce(i.mtime, 0) AS mtime, i.present,"
                + "   coalesce(a.n, 0)::INTEGER AS boxes, coalesce(p.n, 0)::INTEGER AS problems"
                + " FROM images i"
                + " LEFT JOIN (SELECT image_path, count(x) AS n FROM annotations GROUP BY image_path) a"
                + "   ON a.image_path = i.path"
                + " LEFT JOIN (SELECT path, count(*) AS n FROM problems WHERE severity <> 'INFO' GROUP BY path) p"
                + "   ON p.path = i.path"
                + " ORDER BY i.path");
        prepared = true;
        selected = -1;
    }

    /**
     * Replaces the selection with the images {@code filter} lets through, numbered 0.. in path order.
     *
     * @return how many images it holds
     */
    public long select(ImageFilter filter) throws CatalogException {
        if (!prepared) {
            prepare();
        }
        List<Object> parameters = new ArrayList<>();
        String where = filter.where(parameters);
        Statements.execute(catalog, "CREATE OR REPLACE TEMP TABLE " + SELECTION + " AS"
                + " SELECT (row_number() OVER (ORDER BY g.path) - 1) AS rn, g.* FROM " + ITEMS + " g"
                + " WHERE " + where + " ORDER BY g.path", parameters.toArray());
        selected = catalog.queryLong("SELECT count(*) FROM " + SELECTION);
        return selected;
    }

    /** How many images the current selection holds; -1 before the first {@link #select}. */
    public long size() {
        return selected;
    }

    /** Counts the images {@code filter} lets through without changing the selection. */
    public long count(ImageFilter filter) throws CatalogException {
        if (!prepared) {
            prepare();
        }
        List<Object> parameters = new ArrayList<>();
        String where = filter.where(parameters);
        return catalog.queryLong("SELECT count(*) FROM " + ITEMS + " g WHERE " + where, parameters.toArray());
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
        Map<String, List<GalleryItem.Box>> boxes = new HashMap<>();
        catalog.query("SELECT a.image_path, a.class_id, a.x, a.y, a.w, a.h FROM annotations a"
                        + " SEMI JOIN (SELECT path FROM " + SELECTION + " WHERE rn >= ? AND rn < ? AND boxes > 0) s"
                        + "   ON s.path = a.image_path WHERE a.x IS NOT NULL",
                rs -> {
                    List<GalleryItem.Box> list = boxes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
                    if (list.size() < MAX_BOXES_PER_ITEM) {
                        list.add(new GalleryItem.Box(rs.getInt(2),
                                new BoundingBox(rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6))));
                    }
                    return null;
                }, from, to);
        return catalog.query("SELECT rn, path, split, width, height, size, mtime, present, boxes, problems FROM "
                        + SELECTION + " WHERE rn >= ? AND rn < ? ORDER BY rn",
                rs -> new GalleryItem(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                        rs.getLong(6), rs.getLong(7), rs.getBoolean(8), rs.getInt(9), rs.getInt(10),
                        boxes.getOrDefault(rs.getString(2), List.of())),
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
