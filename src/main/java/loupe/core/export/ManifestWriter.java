package loupe.core.export;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;
import loupe.core.task.Progress;

/**
 * Writes a manifest of an indexed dataset: one row per image of the catalog, or per item of a recipe's result
 * ({@link Selection}; an item the recipe repeats is listed once per repeat), so a training job can list, filter
 * and shuffle its items without walking the folder. DuckDB does the work in one statement
 * ({@code COPY (SELECT ...) TO}) over {@code images} and the per-image label summary the indexer derives
 * ({@code image_labels}, with its lists ready as JSON and as CSV fields), so no annotation is read here; timings
 * at a million rows are in {@code docs/PERFORMANCE.md}.
 *
 * <p>Columns, in this order:
 * <ul>
 *   <li>{@code path} — relative to the dataset root, '/' separators (the catalog's key);</li>
 *   <li>{@code size} — bytes (null when the file is missing); {@code width}, {@code height} — pixels, from the
 *       image header, else as the annotations declare them (0 when unknown); {@code split} (null when none);
 *       {@code format} — the image format read from the header ({@code jpeg}, {@code png}, ...; null when
 *       unreadable); {@code present} — whether the file exists;</li>
 *   <li>{@code class_ids}, {@code class_names} — the distinct classes annotated on the image, by id; a name is
 *       null for an id the dataset does not define; {@code annotation_count} — all annotations,
 *       {@code box_count} — those with a box (image-level labels have none);</li>
 *   <li>{@code labels} — per class {@code {id, name, count, boxes}}, in id order;</li>
 *   <li>{@code content_hash} — the file's content hash when the catalog holds one (see
 *       {@link #contentHashSource}), else null;</li>
 *   <li>{@code epoch_0 .. epoch_K-1} — only with {@code epochs > 0}: the 0-based position of the row in that
 *       epoch's shuffled order.</li>
 * </ul>
 * CSV holds {@code class_ids}, {@code class_names} and {@code labels} as JSON text; JSON Lines and Parquet as
 * arrays / LIST and LIST of STRUCT.
 *
 * <p>Order: by path, or with a shuffle seed by {@code md5(seed + ":" + epoch + ":" + path)} as a hex string
 * (ties, which md5 makes practically impossible, by path); the rows are written in epoch 0's order. The key is
 * reproducible anywhere: in Python {@code hashlib.md5(f"{seed}:{epoch}:{path}".encode()).hexdigest()}. The
 * second and later repeats of an item (a recipe's oversampling) hash {@code path + "#" + repeat} instead
 * (repeat 1, 2, ...), so they scatter through the order.
 *
 * <p>The file is written beside the target under a temporary name and renamed into place, so a failed or
 * cancelled run leaves nothing. Cancellation is seen before and after the one COPY statement, not during it.
 * Not thread-safe: it uses the catalog's connection.
 */
public final class ManifestWriter {

    /** Hash columns looked for, most specific first. */
    // NOTE: the content-hash table is being added to the catalog in parallel work; its exact name is not
    // fixed yet, so any main-schema table (or images itself) with a `path` column and one of these columns
    // is used.
    private static final List<String> HASH_COLUMNS = List.of("content_hash", "sha256", "sha1", "md5", "xxh3",
            "xxh64", "xxhash", "hash");

    /**
     * @param format       the file format
     * @param shuffleSeed  null for path order, else the seed of the deterministic shuffle
     * @param epochs       number of per-epoch order columns (0 for none); needs a seed (0 is used when null)
     * @param split        only images of this split, or null for all
     * @param overwrite    replace an existing file
     */
    public record Options(ManifestFormat format, Long shuffleSeed, int epochs, String split, boolean overwrite) {

        public Options {
            if (format == null) {
                throw new IllegalArgumentException("format is required");
            }
            if (epochs < 0 || epochs > 1000) {
                throw new IllegalArgumentException("epochs must be 0..1000, not " + epochs);
            }
        }

        /** The seed actually used: the given one, 0 when only epochs were asked for, null for path order. */
        public Long effectiveSeed() {
            return shuffleSeed != null ? shuffleSeed : epochs > 0 ? Long.valueOf(0) : null;
        }
    }

    /**
     * What was written.
     *
     * @param contentHashes where the {@code content_hash} column came from ({@code table.column}), or null
     *                      when the catalog holds no hashes
     */
    public record Result(String file, String format, long rows, long bytes, Long shuffleSeed, int epochs,
                         String split, String contentHashes, long elapsedMillis) {
    }

    /** Where content hashes live in the catalog: {@code table.column}, and whether they carry size and mtime. */
    public record HashSource(String table, String column, String type, boolean keyedBySizeAndMtime) {
    }

    /**
     * What a manifest (or {@link ShardWriter}'s shards) lists, as relations a SQL query reads on the connection
     * that holds them: the whole catalog ({@link #of(Catalog)}), or the result of a recipe
     * ({@code CurationSession.exportSelection()}, whose temporary tables only its own connection sees).
     *
     * <p>{@link #images()} has the columns of the catalog's {@code images} (at least {@code path, split, size,
     * mtime, width, height, format, present}), in path order; with {@link #repeats()} it has one row per repeat
     * of an item (oversampling) and a column {@code rep} numbering them from 0, ordered by path then rep.
     * {@link #labels()} has the columns of the catalog's {@code image_labels}, row for row beside
     * {@link #images()} (so the two pair by position). {@link #annotations()} has {@code image_path, class_id,
     * x, y, w, h, polygons, crowd, attributes} and {@code ord}, the annotation's order within its image;
     * {@link #classes()} has {@code id, name}.
     */
    public interface Selection {

        String images();

        String labels();

        String annotations();

        String classes();

        /** True when {@link #images()} repeats items, numbered by a {@code rep} column. */
        boolean repeats();

        /** True when {@link #labels()} has the CSV-ready {@code class_names_csv} and {@code labels_csv}. */
        boolean csvColumns();

        /** Runs a statement returning one number (the COPY's row count) on the selection's connection. */
        long queryLong(String sql) throws CatalogException;

        /** Streams a query's rows on the selection's connection. */
        void forEachRow(String sql, Catalog.RowConsumer consumer) throws IOException;

        /** Every image of the catalog's current index, each once. */
        static Selection of(Catalog catalog) throws CatalogException {
            catalog.deriveImageLabelsIfStale();
            // A catalog indexed before the CSV columns existed gets them at its next index that changes
            // anything; until then the CSV is quoted while writing (slower, same bytes).
            boolean csv = catalog.queryLong("SELECT count(*) FROM duckdb_columns() WHERE database_name ="
                    + " current_database() AND schema_name = 'main' AND table_name = 'image_labels'"
                    + " AND column_name IN ('class_names_csv', 'labels_csv')") == 2;
            return new Selection() {
                @Override
                public String images() {
                    return "images";
                }

                @Override
                public String labels() {
                    return "image_labels";
                }

                @Override
                public String annotations() {
                    return "(SELECT *, rowid AS ord FROM annotations)";
                }

                @Override
                public String classes() {
                    return "classes";
                }

                @Override
                public boolean repeats() {
                    return false;
                }

                @Override
                public boolean csvColumns() {
                    return csv;
                }

                @Override
                public long queryLong(String sql) throws CatalogException {
                    return catalog.queryLong(sql);
                }

                @Override
                public void forEachRow(String sql, Catalog.RowConsumer consumer) throws IOException {
                    catalog.forEachRow(sql, consumer);
                }
            };
        }
    }

    /**
     * Writes the manifest of the catalog's current index to {@code file}.
     *
     * @throws FileAlreadyExistsException when the file exists and {@code overwrite} is false
     * @throws CatalogException           when the catalog holds no index or the query fails
     * @throws java.util.concurrent.CancellationException when cancelled (nothing is left behind)
     */
    public Result write(Catalog catalog, Path file, Options options, Progress progress) throws IOException {
        return write(catalog, Selection.of(catalog), file, options, progress);
    }

    /**
     * Writes the manifest of {@code selection} (the whole catalog, or a recipe's result) to {@code file}; the
     * catalog gives the dataset's root and its content hashes.
     *
     * @throws FileAlreadyExistsException when the file exists and {@code overwrite} is false
     * @throws CatalogException           when the catalog holds no index or the query fails
     * @throws java.util.concurrent.CancellationException when cancelled (nothing is left behind)
     */
    public Result write(Catalog catalog, Selection selection, Path file, Options options, Progress progress)
            throws IOException {
        long start = System.nanoTime();
        if (!catalog.isIndexed()) {
            throw new CatalogException("the catalog holds no index yet", null);
        }
        Path target = file.toAbsolutePath().normalize();
        Path root = catalog.meta("root").map(Path::of).map(p -> p.toAbsolutePath().normalize()).orElse(null);
        if (root != null && target.startsWith(root)) {
            throw new IOException("the manifest " + target + " would be inside the dataset " + root
                    + "; Loupe never writes into a dataset it reads");
        }
        if (Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "is a folder");
        }
        if (Files.exists(target) && !options.overwrite()) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists; use --overwrite to replace it");
        }
        progress.update("manifest", 0, 1);
        progress.checkCancelled();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        // The temporary name keeps the target's name at its end, so nothing that looks at the extension is fooled.
        Path temp = parent.resolve(".loupe-tmp-" + UUID.randomUUID() + "-" + target.getFileName());
        boolean moved = false;
        try {
            Optional<HashSource> hashes = contentHashSource(catalog);
            String sql = "COPY (" + query(options, hashes.orElse(null), selection) + ") TO "
                    + literal(temp.toString()) + " (" + copyOptions(options.format()) + ", RETURN_FILES)";
            long rows = selection.queryLong(sql);
            progress.checkCancelled();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            progress.update("manifest", 1, 1);
            return new Result(target.toString(), options.format().id(), rows, Files.size(target),
                    options.effectiveSeed(), options.epochs(), options.split(),
                    hashes.map(h -> h.table() + "." + h.column()).orElse(null),
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static String copyOptions(ManifestFormat format) {
        return switch (format) {
            // Text formats: the query builds each line itself (see lines()); the CSV writer only joins them.
            case CSV -> "FORMAT csv, HEADER true, QUOTE '', ESCAPE ''";
            case JSONL -> "FORMAT csv, HEADER false, QUOTE '', ESCAPE ''";
            case PARQUET -> "FORMAT parquet";
        };
    }

    private static String query(Options options, HashSource hashes, Selection selection) {
        return options.format() == ManifestFormat.PARQUET ? select(options, hashes, selection)
                : lines(options, hashes, selection);
    }

    /** The manifest's columns in order. */
    static final List<String> COLUMNS = List.of("path", "size", "width", "height", "split", "format", "present",
            "class_ids", "class_names", "annotation_count", "box_count", "labels", "content_hash");

    /**
     * The manifest's query, one row per image (see the class comment for the columns), with the lists as
     * LIST / LIST of STRUCT. Public so that other outputs (the UI's preview) list exactly the same items in the
     * same order.
     */
    public static String select(Options options, HashSource hashes, Selection selection) {
        StringBuilder sql = new StringBuilder("SELECT ").append(checkedPath())
                .append(" AS path, i.size, coalesce(i.width, 0) AS width, coalesce(i.height, 0) AS height,")
                .append(" i.split, i.format, i.present, l.class_ids, l.class_names, l.annotation_count,")
                .append(" l.box_count, l.labels, ").append(hashExpression(hashes)).append(" AS content_hash");
        for (int e = 0; e < options.epochs(); e++) {
            sql.append(", o.epoch_").append(e);
        }
        return from(sql, options, hashes, selection);
    }

    /**
     * The text formats' query: one VARCHAR per row holding the whole CSV or JSON line, built by string
     * concatenation from the catalog's precomputed JSON lists. DuckDB's own JSON writer (and to_json of the
     * label structs in the CSV) took 5-10 s a million rows; concatenation takes a fraction of that. For CSV
     * the column is named after the header line, which the writer then prints as it is.
     */
    static String lines(Options options, HashSource hashes, Selection selection) {
        boolean csv = options.format() == ManifestFormat.CSV;
        List<String> names = new ArrayList<>(COLUMNS);
        List<String> values = new ArrayList<>();
        if (csv) {
            values.addAll(List.of(csvText(checkedPath()), "coalesce(i.size::VARCHAR, '')", "coalesce(i.width, 0)",
                    "coalesce(i.height, 0)", csvText("i.split"), csvText("i.format"), "i.present",
                    // Ids hold no quote to double: quoting them is a concatenation.
                    "concat('\"', l.class_ids_json, '\"')",
                    selection.csvColumns() ? "l.class_names_csv" : csvQuoted("l.class_names_json"),
                    "l.annotation_count", "l.box_count",
                    selection.csvColumns() ? "l.labels_csv" : csvQuoted("l.labels_json"),
                    csvText(hashExpression(hashes))));
        } else {
            values.addAll(List.of("to_json(" + checkedPath() + ")", "coalesce(i.size::VARCHAR, 'null')",
                    "coalesce(i.width, 0)", "coalesce(i.height, 0)", jsonText("i.split"), jsonText("i.format"),
                    "i.present", "l.class_ids_json", "l.class_names_json", "l.annotation_count", "l.box_count",
                    "l.labels_json", jsonText(hashExpression(hashes))));
        }
        for (int e = 0; e < options.epochs(); e++) {
            names.add("epoch_" + e);
            values.add("o.epoch_" + e);
        }
        StringBuilder line = new StringBuilder("SELECT concat(");
        for (int c = 0; c < names.size(); c++) {
            String prefix = csv ? (c == 0 ? "" : ",") : (c == 0 ? "{" : ",") + "\"" + names.get(c) + "\":";
            if (!prefix.isEmpty()) {
                line.append(literal(prefix)).append(", ");
            }
            line.append(values.get(c)).append(", ");
        }
        line.append(literal(csv ? "" : "}")).append(") AS ").append(identifier(String.join(",", names)));
        return from(line, options, hashes, selection);
    }

    private static String from(StringBuilder sql, Options options, HashSource hashes, Selection selection) {
        Long seed = options.effectiveSeed();
        String where = options.split() == null ? "" : " WHERE i.split = " + literal(options.split());
        boolean repeats = selection.repeats();
        String key = shuffleInput(repeats);
        // image_labels has one row per image in the same order (built with images, see Catalog): pairing
        // them by position needs neither a join nor a sort, and the rows come out in path order as stored.
        sql.append(" FROM ").append(selection.images()).append(" i POSITIONAL JOIN ").append(selection.labels())
                .append(" l");
        if (options.epochs() > 0) {
            // The epoch positions are numbered over the paths alone: a window sort that carries the label lists
            // along was 5x slower.
            sql.append(" JOIN (SELECT i.path").append(repeats ? ", i.rep" : "");
            for (int e = 0; e < options.epochs(); e++) {
                sql.append(", row_number() OVER (ORDER BY ").append(shuffleKey(seed, e, key))
                        .append(", i.path").append(repeats ? ", i.rep" : "").append(") - 1 AS epoch_").append(e);
            }
            sql.append(" FROM ").append(selection.images()).append(" i").append(where)
                    .append(") o ON o.path = i.path").append(repeats ? " AND o.rep = i.rep" : "");
        }
        if (hashes != null) {
            sql.append(" LEFT JOIN (SELECT path, ")
                    .append(hashes.keyedBySizeAndMtime() ? "size, mtime, " : "")
                    .append("any_value(").append(identifier(hashes.column())).append(") AS hash FROM ")
                    .append(identifier(hashes.table())).append(" GROUP BY ALL) h ON h.path = i.path");
            if (hashes.keyedBySizeAndMtime()) {
                // A hash recorded for another version of the file is stale: better none than a wrong one.
                sql.append(" AND h.size = i.size AND h.mtime = i.mtime");
            }
        }
        sql.append(where);
        if (options.epochs() > 0) {
            // epoch_0 numbers exactly the seed's order, and an integer sorts faster than the md5 text.
            sql.append(" ORDER BY o.epoch_0");
        } else if (seed != null || hashes != null) {
            // A join does not keep the stored order; without one, the scan is already in path order.
            sql.append(" ORDER BY ").append(orderBy(seed, key, repeats));
        }
        return sql.toString();
    }

    /**
     * What the shuffle key hashes: the path; for the second and later repeats of an item (a recipe's
     * oversampling) the path then {@code #} and the repeat number, so repeats scatter instead of sitting side by
     * side. Expects {@code i.path} (and {@code i.rep}).
     */
    static String shuffleInput(boolean repeats) {
        return repeats ? "CASE WHEN i.rep = 0 THEN i.path ELSE i.path || '#' || i.rep END" : "i.path";
    }

    /** The ORDER BY terms over {@code i.path} (and {@code i.rep} when repeating): see {@link #shuffleInput}. */
    static String orderBy(Long seed, String key, boolean repeats) {
        String terms = seed == null ? "i.path" : shuffleKey(seed, 0, key) + ", i.path";
        return repeats ? terms + ", i.rep" : terms;
    }

    /** {@code i.path}, failing the query if image_labels is not row for row beside images. */
    private static String checkedPath() {
        return "CASE WHEN i.path = l.path THEN i.path"
                + " ELSE error('the catalog''s image_labels does not match its images; re-index') END";
    }

    /** A CSV field as DuckDB's CSV writer gives it: quoted when it holds a comma, quote or line break. */
    private static String csvText(String expression) {
        String x = "(" + expression + ")";
        return "CASE WHEN " + x + " IS NULL THEN '' WHEN " + x + " = '' OR contains(" + x + ", ',') OR contains("
                + x + ", '\"') OR contains(" + x + ", chr(10)) OR contains(" + x + ", chr(13)) THEN '\"' || replace("
                + x + ", '\"', '\"\"') || '\"' ELSE " + x + " END";
    }

    /** A non-null CSV field always quoted: JSON lists nearly always need it, and testing first cost more. */
    private static String csvQuoted(String expression) {
        return "concat('\"', replace(" + expression + ", '\"', '\"\"'), '\"')";
    }

    /** A JSON string or null. */
    private static String jsonText(String expression) {
        return "coalesce(to_json(" + expression + ")::VARCHAR, 'null')";
    }

    /** The ORDER BY terms of the row order: path, or the seed's epoch-0 shuffle key then path. */
    public static String orderBy(Long seed, String pathColumn) {
        return seed == null ? pathColumn : shuffleKey(seed, 0, pathColumn) + ", " + pathColumn;
    }

    /** The shuffle key of one epoch: {@code md5('<seed>:<epoch>:' || path)}, a 32-character hex string. */
    public static String shuffleKey(long seed, int epoch, String pathColumn) {
        return "md5(" + literal(seed + ":" + epoch + ":") + " || " + pathColumn + ")";
    }

    private static String hashExpression(HashSource hashes) {
        if (hashes == null) {
            return "NULL::VARCHAR";
        }
        String type = hashes.type().toUpperCase(Locale.ROOT);
        if (type.startsWith("VARCHAR")) {
            return "h.hash";
        }
        // BLOB digests and integer hashes alike become lower-case hex text.
        return "lower(hex(h.hash))";
    }

    /**
     * Finds the content hashes in the catalog, if any: a column named like {@link #HASH_COLUMNS}, holding at
     * least one value, in {@code images} or in another table of the main schema that has a {@code path} column. A table that also
     * has {@code size} and {@code mtime} is matched on them, so stale hashes are not reported.
     */
    public static Optional<HashSource> contentHashSource(Catalog catalog) throws CatalogException {
        record Column(String table, String name, String type) {
        }
        List<Column> columns = catalog.query("SELECT table_name, column_name, data_type FROM duckdb_columns()"
                + " WHERE database_name = current_database() AND schema_name = 'main'"
                + " AND table_name NOT LIKE 'stage%' AND table_name NOT IN ('files', 'header_cache', 'units')",
                rs -> new Column(rs.getString(1), rs.getString(2), rs.getString(3)));
        for (String wanted : HASH_COLUMNS) {
            for (String table : tablesInPreferredOrder(columns.stream().map(Column::table).distinct().toList())) {
                List<String> names = columns.stream().filter(c -> c.table().equals(table))
                        .map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
                if (!names.contains("path")) {
                    continue;
                }
                for (Column c : columns) {
                    if (c.table().equals(table) && c.name().equalsIgnoreCase(wanted)) {
                        if (catalog.queryLong("SELECT count(*) FROM (SELECT 1 FROM " + identifier(table)
                                + " WHERE " + identifier(c.name()) + " IS NOT NULL LIMIT 1)") == 0) {
                            // An empty table (no content check ran): no join, so no sort either.
                            continue;
                        }
                        return Optional.of(new HashSource(table, c.name(), c.type(),
                                names.contains("size") && names.contains("mtime")));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> tablesInPreferredOrder(List<String> tables) {
        // images first (a column of its own beats a side table), then by name for a stable choice.
        return tables.stream().sorted((a, b) -> a.equals("images") ? -1 : b.equals("images") ? 1 : a.compareTo(b))
                .toList();
    }

    /** A SQL string literal. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String identifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
