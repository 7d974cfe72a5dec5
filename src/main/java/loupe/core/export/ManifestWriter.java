package loupe.core.export;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;
import loupe.core.task.Progress;

/**
 * Writes a manifest of an indexed dataset: one row per image of the catalog, so a training job can list,
 * filter and shuffle its items without walking the folder. DuckDB does the work ({@code COPY (SELECT ...) TO}),
 * so a million rows take well under a second in each format.
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
 * reproducible anywhere: in Python {@code hashlib.md5(f"{seed}:{epoch}:{path}".encode()).hexdigest()}.
 *
 * <p>The file is written beside the target under a temporary name and renamed into place, so a failed or
 * cancelled run leaves nothing. Not thread-safe: it uses the catalog's connection.
 */
public final class ManifestWriter {

    /** Hash columns looked for, most specific first. */
    // NOTE: the content-hash table is being added to the catalog in parallel work; its exact name is not
    // fixed yet, so any main-schema table (or images itself) with a `path` column and one of these columns is used.
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
     * Writes the manifest of the catalog's current index to {@code file}.
     *
     * @throws FileAlreadyExistsException when the file exists and {@code overwrite} is false
     * @throws CatalogException           when the catalog holds no index or the query fails
     * @throws java.util.concurrent.CancellationException when cancelled (nothing is left behind)
     */
    public Result write(Catalog catalog, Path file, Options options, Progress progress) throws IOException {
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
            String sql = "COPY (" + select(options, hashes.orElse(null)) + ") TO " + literal(temp.toString())
                    + " (" + copyOptions(options.format()) + ", RETURN_FILES)";
            long rows = catalog.queryLong(sql);
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
            case CSV -> "FORMAT csv, HEADER true";
            case JSONL -> "FORMAT json";
            case PARQUET -> "FORMAT parquet";
        };
    }

    /**
     * The manifest's query, one row per image (see the class comment for the columns). Public so that other
     * outputs (shards, the UI's preview) list exactly the same items in the same order.
     */
    public static String select(Options options, HashSource hashes) {
        boolean csv = options.format() == ManifestFormat.CSV;
        StringBuilder sql = new StringBuilder();
        // One list aggregate per image, then per-row list functions: DuckDB's ordered aggregates
        // (list(... ORDER BY ...)) and lists of structs built in an aggregate were 5-10x slower at a million rows.
        sql.append("WITH names AS (SELECT map_from_entries(list((id, name))) AS m FROM classes),")
                .append(" per_image AS (SELECT image_path AS path, list(class_id) AS l,")
                .append(" list(class_id) FILTER (WHERE x IS NOT NULL) AS lb FROM annotations GROUP BY image_path),")
                .append(" labelled AS (SELECT path, l, coalesce(lb, []::INTEGER[]) AS lb,")
                .append(" list_sort(list_distinct(l)) AS ids FROM per_image)")
                .append(" SELECT i.path, i.size, coalesce(i.width, 0) AS width, coalesce(i.height, 0) AS height,")
                .append(" i.split, i.format, i.present,")
                .append(list(csv, "coalesce(l.ids, []::INTEGER[])")).append(" AS class_ids,")
                .append(list(csv, "coalesce(list_transform(l.ids, k -> names.m[k]), []::VARCHAR[])"))
                .append(" AS class_names,")
                .append(" coalesce(len(l.l), 0)::BIGINT AS annotation_count,")
                .append(" coalesce(len(l.lb), 0)::BIGINT AS box_count,")
                .append(list(csv, "coalesce(list_transform(l.ids, k -> {'id': k, 'name': names.m[k],"
                        + " 'count': len(list_filter(l.l, x -> x = k))::BIGINT,"
                        + " 'boxes': len(list_filter(l.lb, x -> x = k))::BIGINT}), [])")).append(" AS labels,")
                .append(' ').append(hashExpression(hashes)).append(" AS content_hash");
        Long seed = options.effectiveSeed();
        String where = options.split() == null ? "" : " WHERE i.split = " + literal(options.split());
        for (int e = 0; e < options.epochs(); e++) {
            sql.append(", o.epoch_").append(e);
        }
        sql.append(" FROM images i LEFT JOIN labelled l ON l.path = i.path CROSS JOIN names");
        if (options.epochs() > 0) {
            // The epoch positions are numbered over the paths alone: a window sort that carries the label lists
            // along was 5x slower.
            sql.append(" JOIN (SELECT i.path");
            for (int e = 0; e < options.epochs(); e++) {
                sql.append(", row_number() OVER (ORDER BY ").append(shuffleKey(seed, e, "i.path"))
                        .append(", i.path) - 1 AS epoch_").append(e);
            }
            sql.append(" FROM images i").append(where).append(") o ON o.path = i.path");
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
        // epoch_0 numbers exactly the seed's order, and an integer sorts faster than the md5 text.
        sql.append(" ORDER BY ").append(options.epochs() > 0 ? "o.epoch_0" : orderBy(seed, "i.path"));
        return sql.toString();
    }

    /** The ORDER BY terms of the row order: path, or the seed's epoch-0 shuffle key then path. */
    public static String orderBy(Long seed, String pathColumn) {
        return seed == null ? pathColumn : shuffleKey(seed, 0, pathColumn) + ", " + pathColumn;
    }

    /** The shuffle key of one epoch: {@code md5('<seed>:<epoch>:' || path)}, a 32-character hex string. */
    public static String shuffleKey(long seed, int epoch, String pathColumn) {
        return "md5(" + literal(seed + ":" + epoch + ":") + " || " + pathColumn + ")";
    }

    private static String list(boolean csv, String expression) {
        // CSV has no list type: JSON text is what every reader can split back (json.loads, from_json, ...).
        return csv ? " to_json(" + expression + ")::VARCHAR" : " " + expression;
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
     * Finds the content hashes in the catalog, if any: a column named like {@link #HASH_COLUMNS} in
     * {@code images} or in another table of the main schema that has a {@code path} column. A table that also
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
