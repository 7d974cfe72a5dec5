package loupe.core.curation;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry of {@link GroupSource}s, by the id a recipe's {@code split.groupBy[].by} names. Images that any
 * rule puts together stay in one split. New sources (a chip manifest, tags) register here.
 */
public final class GroupSources {

    /** Column names tried, in order, when a "duplicates" rule names no column. */
    static final List<String> HASH_COLUMNS = List.of("content_hash", "sha256", "sha1", "md5", "xxh64", "xxhash",
            "hash", "phash", "dhash", "group_id");

    private static final Map<String, GroupSource> SOURCES = new LinkedHashMap<>();

    static {
        SOURCES.put("regex", GroupSources::regex);
        SOURCES.put("folder", GroupSources::folder);
        SOURCES.put("duplicates", GroupSources::duplicates);
        SOURCES.put("near-duplicates", new NearDuplicateGroups());
    }

    private GroupSources() {
    }

    /** The known rule ids, in registration order. */
    public static synchronized List<String> ids() {
        return List.copyOf(SOURCES.keySet());
    }

    /**
     * Adds a group source under a new id (e.g. a chip manifest's "source image" column once the catalog has
     * one); recipes may then name it in {@code split.groupBy[].by}.
     *
     * @throws IllegalArgumentException when the id is taken
     */
    public static synchronized void register(String id, GroupSource source) {
        if (SOURCES.putIfAbsent(id, java.util.Objects.requireNonNull(source)) != null) {
            throw new IllegalArgumentException("a group source '" + id + "' is already registered");
        }
    }

    static synchronized GroupSource byId(String id) {
        return SOURCES.get(id);
    }

    private static boolean regex(Recipe.GroupRule rule, GroupSource.Context ctx, GroupSource.KeySink sink)
            throws IOException {
        Pattern pattern = Pattern.compile(rule.pattern());
        ctx.forEachSelectedPath(path -> {
            Matcher m = pattern.matcher(path);
            if (m.find()) {
                sink.accept(path, m.groupCount() > 0 && m.group(1) != null ? m.group(1) : m.group());
            }
        });
        return true;
    }

    private static boolean folder(Recipe.GroupRule rule, GroupSource.Context ctx, GroupSource.KeySink sink)
            throws IOException {
        ctx.forEachSelectedPath(path -> {
            int slash = path.lastIndexOf('/');
            sink.accept(path, slash < 0 ? "" : path.substring(0, slash));
        });
        return true;
    }

    private static boolean duplicates(Recipe.GroupRule rule, GroupSource.Context ctx, GroupSource.KeySink sink)
            throws IOException {
        String table = rule.table() == null ? "image_hashes" : rule.table();
        List<String> columns = ctx.columns(table);
        if (columns.isEmpty()) {
            ctx.note("grouping by duplicates skipped: the catalog has no table '" + table
                    + "' (index with hashing to create it)");
            return false;
        }
        if (!columns.contains("path")) {
            ctx.note("grouping by duplicates skipped: table '" + table + "' has no column 'path'");
            return false;
        }
        String column = rule.column();
        if (column == null) {
            column = HASH_COLUMNS.stream().filter(columns::contains).findFirst().orElse(null);
        }
        if (column == null || !columns.contains(column)) {
            ctx.note("grouping by duplicates skipped: table '" + table + "' has no column "
                    + (column == null ? "among " + HASH_COLUMNS : "'" + column + "'"));
            return false;
        }
        long[] keys = {0};
        ctx.forEachKey("SELECT h.path, CAST(h." + column + " AS VARCHAR) FROM " + table + " h"
                + " JOIN cur_img c ON c.path = h.path WHERE h." + column + " IS NOT NULL", (path, key) -> {
                    keys[0]++;
                    sink.accept(path, key);
                });
        if (keys[0] == 0) {
            // The catalog always has the table; it is empty until content checks ran.
            ctx.note("grouping by duplicates skipped: no content hashes in the catalog"
                    + " (run `loupe index --hashes` first)");
            return false;
        }
        return true;
    }
}
