package loupe.core.query;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which images the gallery shows. Every condition is optional and they all must hold. Turned into SQL over the
 * gallery's item table by {@link #where(List)}; never evaluated in Java.
 *
 * @param classes      class ids; empty means any image, whatever its classes
 * @param allClasses   true: an image must have every class of {@code classes}; false: at least one of them
 * @param split        the split name, {@link #NO_SPLIT} for images without one, or null for any split
 * @param problemKind  a {@code ProblemKind} name, {@link #ANY_PROBLEM} for images with any warning or error, or
 *                     null for any image
 * @param minBoxes     the least number of boxes an image has (0: no lower bound)
 * @param maxBoxes     the most boxes an image has, or -1 for no upper bound
 * @param minBoxSidePx with {@code maxBoxSidePx}: the image has at least one box whose size, the square root of
 *                     its area in pixels, lies in this range; 0 and infinity mean no condition
 * @param maxBoxSidePx see {@code minBoxSidePx}
 * @param nameContains text the image's path contains, ignoring case; empty for any
 */
public record ImageFilter(Set<Integer> classes, boolean allClasses, String split, String problemKind, int minBoxes,
                          int maxBoxes, double minBoxSidePx, double maxBoxSidePx, String nameContains) {

    /** {@link #problemKind} value that matches images with any problem above info level. */
    public static final String ANY_PROBLEM = "*";
    /** {@link #split} value that matches images without a split. */
    public static final String NO_SPLIT = "";
    /** Everything. */
    public static final ImageFilter ALL = new ImageFilter(Set.of(), false, null, null, 0, -1, 0,
            Double.POSITIVE_INFINITY, "");

    public ImageFilter {
        classes = Set.copyOf(new TreeSet<>(classes));
        nameContains = nameContains == null ? "" : nameContains.strip();
        if (minBoxes < 0 || maxBoxes < -1 || (maxBoxes >= 0 && maxBoxes < minBoxes)) {
            throw new IllegalArgumentException("bad box count range " + minBoxes + ".." + maxBoxes);
        }
        if (!(minBoxSidePx >= 0) || !(maxBoxSidePx >= minBoxSidePx)) {
            throw new IllegalArgumentException("bad box size range " + minBoxSidePx + ".." + maxBoxSidePx);
        }
    }

    public ImageFilter withClasses(Set<Integer> ids, boolean all) {
        return new ImageFilter(ids, all, split, problemKind, minBoxes, maxBoxes, minBoxSidePx, maxBoxSidePx,
                nameContains);
    }

    public ImageFilter withSplit(String value) {
        return new ImageFilter(classes, allClasses, value, problemKind, minBoxes, maxBoxes, minBoxSidePx,
                maxBoxSidePx, nameContains);
    }

    public ImageFilter withProblemKind(String kind) {
        return new ImageFilter(classes, allClasses, split, kind, minBoxes, maxBoxes, minBoxSidePx, maxBoxSidePx,
                nameContains);
    }

    public ImageFilter withBoxCount(int min, int max) {
        return new ImageFilter(classes, allClasses, split, problemKind, min, max, minBoxSidePx, maxBoxSidePx,
                nameContains);
    }

    public ImageFilter withBoxSide(double minPx, double maxPx) {
        return new ImageFilter(classes, allClasses, split, problemKind, minBoxes, maxBoxes, minPx, maxPx,
                nameContains);
    }

    public ImageFilter withName(String text) {
        return new ImageFilter(classes, allClasses, split, problemKind, minBoxes, maxBoxes, minBoxSidePx,
                maxBoxSidePx, text);
    }

    /** True when this filter lets every image through. */
    public boolean isAll() {
        return where(new java.util.ArrayList<>()).equals("TRUE");
    }

    /**
     * The condition as SQL over the catalog's {@code images} table aliased {@code g}, with its
     * {@code annotations} and {@code problems} tables; appends the values of its {@code ?} placeholders to
     * {@code parameters}, in order. "TRUE" when there is no condition.
     */
    public String where(List<Object> parameters) {
        StringBuilder sql = new StringBuilder();
        if (!classes.isEmpty()) {
            String ids = String.join(",", classes.stream().map(id -> "?").toList());
            parameters.addAll(classes);
            and(sql, "g.path IN (SELECT image_path FROM annotations WHERE class_id IN (" + ids + ")"
                    + (allClasses && classes.size() > 1 ? " GROUP BY image_path HAVING count(DISTINCT class_id) = "
                    + classes.size() : "") + ")");
        }
        if (split != null) {
            if (split.equals(NO_SPLIT)) {
                and(sql, "g.split IS NULL");
            } else {
                and(sql, "g.split = ?");
                parameters.add(split);
            }
        }
        if (problemKind != null) {
            if (problemKind.equals(ANY_PROBLEM)) {
                and(sql, "g.path IN (SELECT path FROM problems WHERE severity <> 'INFO')");
            } else {
                and(sql, "g.path IN (SELECT path FROM problems WHERE kind = ?)");
                parameters.add(problemKind.toUpperCase(Locale.ROOT));
            }
        }
        String boxCounts = "SELECT image_path FROM annotations WHERE x IS NOT NULL GROUP BY image_path HAVING ";
        if (minBoxes > 0) {
            // Images with no box have no annotation rows: a lower bound above 0 excludes them anyway.
            and(sql, "g.path IN (" + boxCounts + "count(*) >= ?" + (maxBoxes >= 0 ? " AND count(*) <= ?" : "")
                    + ")");
            parameters.add(minBoxes);
            if (maxBoxes >= 0) {
                parameters.add(maxBoxes);
            }
        } else if (maxBoxes >= 0) {
            and(sql, "g.path NOT IN (" + boxCounts + "count(*) > ?)");
            parameters.add(maxBoxes);
        }
        if (minBoxSidePx > 0 || maxBoxSidePx != Double.POSITIVE_INFINITY) {
            and(sql, "g.path IN (SELECT image_path FROM annotations WHERE w > 0 AND h > 0"
                    + " AND sqrt(w * h) >= ? AND sqrt(w * h) <= ?)");
            parameters.add(minBoxSidePx);
            // DuckDB takes 'inf' for a DOUBLE, but a plain large number keeps the parameter a finite literal.
            parameters.add(maxBoxSidePx == Double.POSITIVE_INFINITY ? Double.MAX_VALUE : maxBoxSidePx);
        }
        if (!nameContains.isEmpty()) {
            and(sql, "strpos(lower(g.path), lower(?)) > 0");
            parameters.add(nameContains);
        }
        return sql.length() == 0 ? "TRUE" : sql.toString();
    }

    private static void and(StringBuilder sql, String condition) {
        if (sql.length() > 0) {
            sql.append(" AND ");
        }
        sql.append(condition);
    }
}
