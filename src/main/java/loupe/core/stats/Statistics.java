package loupe.core.stats;

import java.util.ArrayList;
import java.util.List;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;

/** Computes {@link DatasetStats} from a catalog, with SQL aggregations (milliseconds even at a million rows). */
public final class Statistics {

    private Statistics() {
    }

    /**
     * Counts for the whole dataset ({@code split} null) or for one split.
     *
     * @param maxProblems at most this many problems are listed (the count in the CLI summary is separate)
     */
    public static DatasetStats compute(Catalog catalog, String split, int maxProblems) throws CatalogException {
        String root = catalog.meta("root").orElse("");
        String format = catalog.meta("format").orElse("");
        long images = split == null ? catalog.queryLong("SELECT count(*) FROM images")
                : catalog.queryLong("SELECT count(*) FROM images WHERE split = ?", split);
        long annotations = split == null ? catalog.queryLong("SELECT count(*) FROM annotations")
                : catalog.queryLong("SELECT count(*) FROM annotations a JOIN images i ON i.path = a.image_path"
                        + " WHERE i.split = ?", split);
        List<DatasetStats.ClassCount> classes = classCounts(catalog, split);
        List<DatasetStats.SplitCount> splits = new ArrayList<>();
        List<String> names = catalog.query("SELECT DISTINCT split FROM images WHERE split IS NOT NULL"
                + (split == null ? "" : " AND split = ?") + " ORDER BY split", rs -> rs.getString(1),
                split == null ? new Object[0] : new Object[] {split});
        for (String name : names) {
            splits.add(new DatasetStats.SplitCount(name,
                    catalog.queryLong("SELECT count(*) FROM images WHERE split = ?", name),
                    catalog.queryLong("SELECT count(*) FROM annotations a JOIN images i ON i.path = a.image_path"
                            + " WHERE i.split = ?", name),
                    classCounts(catalog, name)));
        }
        String problemFilter = split == null ? ""
                : " WHERE path IN (SELECT path FROM images WHERE split = ?) OR path NOT IN (SELECT path FROM images)";
        List<DatasetStats.ProblemEntry> problems = catalog.query(
                "SELECT severity, kind, path, location, message FROM problems" + problemFilter
                        + " ORDER BY CASE severity WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, kind, path"
                        + " LIMIT " + Math.max(0, maxProblems),
                rs -> new DatasetStats.ProblemEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)),
                split == null ? new Object[0] : new Object[] {split});
        return new DatasetStats(root, format, split, images, annotations, classes, splits, problems);
    }

    /** Problems by kind, for summaries. */
    public static long problemCount(Catalog catalog) throws CatalogException {
        return catalog.queryLong("SELECT count(*) FROM problems");
    }

    private static List<DatasetStats.ClassCount> classCounts(Catalog catalog, String split) throws CatalogException {
        String join = split == null ? "" : " JOIN images i ON i.path = a.image_path AND i.split = ?";
        return catalog.query("SELECT c.id, c.name, coalesce(n.instances, 0), coalesce(n.images, 0) FROM classes c"
                        + " LEFT JOIN (SELECT a.class_id, count(*) AS instances, count(DISTINCT a.image_path) AS images"
                        + "   FROM annotations a" + join + " GROUP BY a.class_id) n ON n.class_id = c.id ORDER BY c.id",
                rs -> new DatasetStats.ClassCount(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)),
                split == null ? new Object[0] : new Object[] {split});
    }
}
