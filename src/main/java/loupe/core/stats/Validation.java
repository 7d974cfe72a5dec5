package loupe.core.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;

/**
 * The problems of an indexed dataset, grouped by kind, for {@code loupe validate}. A dataset passes a strict
 * validation when it has no problem of severity WARNING or ERROR; INFO problems (an image without
 * annotations) never fail it.
 *
 * @param root      the dataset root, absolute
 * @param format    the format id
 * @param split     the split validated, or null for the whole dataset
 * @param errors    problems of severity ERROR
 * @param warnings  problems of severity WARNING
 * @param infos     problems of severity INFO
 * @param kinds     every kind found, most severe first, then by count, each with its first problems
 */
public record Validation(String root, String format, String split, long errors, long warnings, long infos,
                         List<Kind> kinds) {

    /** True when there is no problem at all. */
    public boolean clean() {
        return errors + warnings + infos == 0;
    }

    /** True when problems of severity WARNING or ERROR exist (what fails {@code --strict}). */
    public boolean failsStrict() {
        return errors + warnings > 0;
    }

    /**
     * The problems of one kind: how many, and the first of them by path and location.
     *
     * @param severity the severity of these problems
     * @param kind     the problem kind ({@link loupe.core.model.ProblemKind} name)
     * @param count    all problems of this kind and severity
     * @param problems at most the number asked for, by path and location
     */
    public record Kind(String severity, String kind, long count, List<DatasetStats.ProblemEntry> problems) {
    }

    /**
     * Reads the problems of the whole dataset ({@code split} null) or of one split (the split's images, plus
     * problems not about any image, such as a malformed annotation file).
     *
     * @param perKind at most this many problems are listed per kind (the counts cover all)
     * @throws CatalogException when the catalog cannot be read
     */
    public static Validation of(Catalog catalog, String split, int perKind) throws CatalogException {
        String filter = split == null ? ""
                : " WHERE path IN (SELECT path FROM images WHERE split = ?) OR path NOT IN (SELECT path FROM images)";
        Object[] params = split == null ? new Object[0] : new Object[] {split};
        Map<String, List<DatasetStats.ProblemEntry>> examples = new LinkedHashMap<>();
        catalog.query("SELECT severity, kind, path, location, message FROM (SELECT *, row_number() OVER"
                        + " (PARTITION BY severity, kind ORDER BY path, location, message) AS rn FROM problems" + filter
                        + ") WHERE rn <= " + Math.max(0, perKind) + " ORDER BY severity, kind, rn",
                rs -> examples.computeIfAbsent(rs.getString(1) + "/" + rs.getString(2), k -> new ArrayList<>())
                        .add(new DatasetStats.ProblemEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5))), params);
        long[] bySeverity = new long[3];
        List<Kind> kinds = catalog.query("SELECT severity, kind, count(*) FROM problems" + filter
                + " GROUP BY severity, kind ORDER BY min(CASE severity WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1"
                + " ELSE 2 END), count(*) DESC, kind", rs -> {
                    String severity = rs.getString(1);
                    long count = rs.getLong(3);
                    bySeverity[switch (severity) {
                        case "ERROR" -> 0;
                        case "WARNING" -> 1;
                        default -> 2;
                    }] += count;
                    return new Kind(severity, rs.getString(2), count,
                            examples.getOrDefault(severity + "/" + rs.getString(2), List.of()));
                }, params);
        return new Validation(catalog.meta("root").orElse(""), catalog.meta("format").orElse(""), split,
                bySeverity[0], bySeverity[1], bySeverity[2], kinds);
    }
}
