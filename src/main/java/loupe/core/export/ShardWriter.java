package loupe.core.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;
import loupe.core.index.Polygons;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;

/**
 * Writes an indexed dataset as WebDataset-style tar shards ({@code shard-000000.tar}, ...) plus an index,
 * {@code shards.json}, so training can stream a few large sequential files instead of opening millions of
 * small ones.
 *
 * <p>Each sample is two tar entries sharing a key: the image file's bytes as {@code <key>.<ext>} (its own
 * extension, lower-cased) and {@code <key>.json}: {@code key, path} (relative to the dataset root),
 * {@code split, width, height, format, size} and {@code annotations}, a list of {@code class_id,
 * class_name} (null for an id the dataset does not define), {@code box} {@code [x, y, w, h]} in pixels with the
 * origin at the top left (null for an image-level label), and when present {@code polygons} (lists of
 * {@code x0, y0, x1, y1, ...} pixels), {@code crowd: true} and {@code attributes}. A key is the sample's
 * 0-based position, nine digits at least, then {@code _} and the image's name without extension with every
 * character other than ASCII letters, digits, {@code -} and {@code _} replaced by {@code _} (at most 150 of
 * them): it has no dot, since WebDataset takes everything after the first dot of a name as the extension, and
 * it is unique.
 *
 * <p>Samples are in path order, or shuffled with the manifest's seeded order (see {@link ManifestWriter}).
 * A shard closes when the next sample would push it over the byte budget (a sample larger than the budget gets
 * a shard of its own) or when it holds the item count. Missing images, images the index found corrupt, and
 * files gone by the time they are read are skipped and counted (in the result and in {@code shards.json}).
 *
 * <p>The output folder is written through {@link AtomicOutput}: a failure or cancellation leaves nothing.
 * Not thread-safe: it uses the catalog's connection.
 */
public final class ShardWriter {

    /** The index written beside the shards. */
    public static final String INDEX_FILE = "shards.json";
    /** Skipped paths listed in the result and the index; the counts are always complete. */
    static final int MAX_LISTED_SKIPS = 1000;
    private static final int MAX_NAME_CHARS = 150;

    /**
     * @param size        the byte budget or item count per shard
     * @param shuffleSeed null for path order, else the seed of the manifest's deterministic shuffle
     * @param split       only this split, or null for all
     * @param overwrite   replace a non-empty output folder
     */
    public record Options(ShardSize size, Long shuffleSeed, String split, boolean overwrite) {

        public Options {
            if (size == null) {
                throw new IllegalArgumentException("size is required");
            }
        }
    }

    /** One shard of the index. */
    public record ShardInfo(String file, long items, long bytes, String firstKey, String lastKey) {
    }

    /** A skipped image and why: {@code missing} (no file) or {@code corrupt} (the index could not read it). */
    public record Skip(String path, String reason) {
    }

    /**
     * What was written.
     *
     * @param skipped the first {@value #MAX_LISTED_SKIPS} skipped images; the counts cover all of them
     */
    public record Result(String output, long items, long bytes, long skippedMissing, long skippedCorrupt,
                         Long shuffleSeed, String split, String shardSize, long elapsedMillis,
                         List<ShardInfo> shards, List<Skip> skipped) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Writes the shards of the catalog's current index into the folder {@code output}.
     *
     * @throws java.nio.file.FileAlreadyExistsException when output is a non-empty folder and not overwriting
     * @throws IOException when output overlaps the dataset, an image cannot be read, or the disk fails
     * @throws java.util.concurrent.CancellationException when cancelled (nothing is left behind)
     */
    public Result write(Catalog catalog, Path output, Options options, Progress progress) throws IOException {
        return write(catalog, ManifestWriter.Selection.of(catalog), output, options, progress);
    }

    /**
     * Writes the shards of {@code selection} (the whole catalog, or a recipe's result: its items with their new
     * splits and labels, a repeated item once per repeat) into the folder {@code output}.
     *
     * @throws java.nio.file.FileAlreadyExistsException when output is a non-empty folder and not overwriting
     * @throws IOException when output overlaps the dataset, an image cannot be read, or the disk fails
     * @throws java.util.concurrent.CancellationException when cancelled (nothing is left behind)
     */
    public Result write(Catalog catalog, ManifestWriter.Selection selection, Path output, Options options,
                        Progress progress) throws IOException {
        long start = System.nanoTime();
        if (!catalog.isIndexed()) {
            throw new CatalogException("the catalog holds no index yet", null);
        }
        Path root = Path.of(catalog.meta("root").orElseThrow()).toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        if (out.startsWith(root) || root.startsWith(out)) {
            throw new IOException("the output " + out + " overlaps the dataset " + root
                    + "; Loupe never writes into a dataset it reads");
        }
        String where = options.split() == null ? "" : " WHERE split = " + ManifestWriter.literal(options.split());
        long total = selection.queryLong("SELECT count(*) FROM " + selection.images() + where);
        progress.update("shards", 0, total);
        try (AtomicOutput atomic = AtomicOutput.create(out, options.overwrite())) {
            Run run = new Run(root, atomic.temp(), options, progress, total);
            String sql = "SELECT i.path, i.split, coalesce(i.width, 0), coalesce(i.height, 0), i.format, i.present,"
                    + " i.path IN (SELECT path FROM problems WHERE kind = 'CORRUPT_IMAGE') AS corrupt,"
                    + " coalesce(i.mtime, 0), a.class_id, c.name, a.x, a.y, a.w, a.h, a.polygons, a.crowd,"
                    + " a.attributes, " + (selection.repeats() ? "i.rep" : "0")
                    + " FROM (SELECT * FROM " + selection.images() + where + ") i"
                    + " LEFT JOIN " + selection.annotations() + " a ON a.image_path = i.path"
                    + " LEFT JOIN " + selection.classes() + " c ON c.id = a.class_id"
                    + " ORDER BY " + ManifestWriter.orderBy(options.shuffleSeed(),
                            ManifestWriter.shuffleInput(selection.repeats()), selection.repeats()) + ", a.ord";
            try {
                rows(selection, sql, run);
            } finally {
                run.closeQuietly();
            }
            progress.checkCancelled();
            Result result = new Result(out.toString(), run.items, run.bytes, run.missing, run.corrupt,
                    options.shuffleSeed(), options.split(), options.size().toString(),
                    (System.nanoTime() - start) / 1_000_000, List.copyOf(run.shards), List.copyOf(run.skipped));
            writeIndex(atomic.temp().resolve(INDEX_FILE), result, options);
            atomic.commit();
            progress.update("shards", total, total);
            return result;
        }
    }

    /** Streams the joined rows, groups them per image and writes each image's sample. */
    private static void rows(ManifestWriter.Selection selection, String sql, Run run) throws IOException {
        selection.forEachRow(sql, rs -> {
            String path = rs.getString(1);
            int rep = rs.getInt(18);
            if (run.sample == null || !run.sample.path.equals(path) || run.sample.rep != rep) {
                run.emit();
                run.sample = new Sample(path, rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
                        rs.getBoolean(6), rs.getBoolean(7), rs.getLong(8), rep);
            }
            int classId = rs.getInt(9);
            if (rs.wasNull()) {
                return;
            }
            double x = rs.getDouble(11);
            double[] box = rs.wasNull() ? null : new double[] {x, rs.getDouble(12), rs.getDouble(13),
                rs.getDouble(14)};
            run.sample.annotations.add(new Label(classId, rs.getString(10), box, rs.getBytes(15),
                    rs.getBoolean(16), rs.getString(17)));
        });
        run.emit();
        run.closeShard();
    }

    private record Label(int classId, String className, double[] box, byte[] polygons, boolean crowd,
                         String attributes) {
    }

    private static final class Sample {
        final String path;
        final String split;
        final int width;
        final int height;
        final String format;
        final boolean present;
        final boolean corrupt;
        final long mtimeMicros;
        final int rep;
        final List<Label> annotations = new ArrayList<>();

        Sample(String path, String split, int width, int height, String format, boolean present, boolean corrupt,
               long mtimeMicros, int rep) {
            this.rep = rep;
            this.path = path;
            this.split = split;
            this.width = width;
            this.height = height;
            this.format = format;
            this.present = present;
            this.corrupt = corrupt;
            this.mtimeMicros = mtimeMicros;
        }
    }

    /** The state of one write: the open shard, counts, the index so far. */
    private static final class Run {
        final Path root;
        final Path folder;
        final Options options;
        final Progress progress;
        final long total;
        final List<ShardInfo> shards = new ArrayList<>();
        final List<Skip> skipped = new ArrayList<>();
        final ByteArrayOutputStream json = new ByteArrayOutputStream(4096);
        Sample sample;
        long seen;
        long items;
        long bytes;
        long missing;
        long corrupt;
        FileChannel channel;
        TarWriter tar;
        long shardItems;
        String firstKey;
        String lastKey;

        Run(Path root, Path folder, Options options, Progress progress, long total) {
            this.root = root;
            this.folder = folder;
            this.options = options;
            this.progress = progress;
            this.total = total;
        }

        void emit() throws IOException {
            if (sample == null) {
                return;
            }
            Sample s = sample;
            sample = null;
            progress.checkCancelled();
            seen++;
            if (!s.present) {
                skip(s, "missing");
            } else if (s.corrupt) {
                skip(s, "corrupt");
            } else {
                try (FileChannel image = FileChannel.open(root.resolve(s.path), StandardOpenOption.READ)) {
                    write(s, image);
                } catch (NoSuchFileException e) {
                    skip(s, "missing");   // deleted since indexing
                }
            }
            progress.update("shards", seen, total);
        }

        private void skip(Sample s, String reason) {
            if (reason.equals("missing")) {
                missing++;
            } else {
                corrupt++;
            }
            if (skipped.size() < MAX_LISTED_SKIPS) {
                skipped.add(new Skip(s.path, reason));
            }
        }

        private void write(Sample s, FileChannel image) throws IOException {
            long size = image.size();
            String key = key(items, s.path);
            String imageName = key + "." + extension(s.path);
            byte[] meta = sampleJson(key, s, size);
            String metaName = key + ".json";
            long sampleBytes = TarWriter.entryBytes(imageName, size) + TarWriter.entryBytes(metaName, meta.length);
            ShardSize limit = options.size();
            if (tar != null && (limit.maxItems() > 0 ? shardItems >= limit.maxItems()
                    : TarWriter.archiveBytes(tar.position() + sampleBytes) > limit.maxBytes())) {
                closeShard();
            }
            if (tar == null) {
                openShard();
            }
            long mtime = s.mtimeMicros / 1_000_000;
            tar.add(imageName, image, size, mtime);
            tar.add(metaName, meta, mtime);
            if (firstKey == null) {
                firstKey = key;
            }
            lastKey = key;
            shardItems++;
            items++;
        }

        private void openShard() throws IOException {
            String name = shardName(shards.size());
            channel = FileChannel.open(folder.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            tar = new TarWriter(channel);
            shardItems = 0;
            firstKey = null;
            lastKey = null;
        }

        /** Closes an open shard file after a failure (the folder is deleted next). */
        void closeQuietly() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // NOTE: the temporary folder is deleted right after; a close error changes nothing.
                }
                channel = null;
                tar = null;
            }
        }

        void closeShard() throws IOException {
            if (tar == null) {
                return;
            }
            try (FileChannel c = channel) {
                tar.finish();
            }
            shards.add(new ShardInfo(shardName(shards.size()), shardItems, tar.position(), firstKey, lastKey));
            bytes += tar.position();
            tar = null;
            channel = null;
        }

        private byte[] sampleJson(String key, Sample s, long size) throws IOException {
            json.reset();
            try (JsonGenerator g = JSON.createGenerator(json)) {
                g.writeStartObject();
                g.writeStringField("key", key);
                g.writeStringField("path", s.path);
                g.writeStringField("split", s.split);
                g.writeNumberField("width", s.width);
                g.writeNumberField("height", s.height);
                g.writeStringField("format", s.format);
                g.writeNumberField("size", size);
                g.writeArrayFieldStart("annotations");
                for (Label a : s.annotations) {
                    g.writeStartObject();
                    g.writeNumberField("class_id", a.classId());
                    g.writeStringField("class_name", a.className());
                    if (a.box() == null) {
                        g.writeNullField("box");
                    } else {
                        g.writeFieldName("box");
                        g.writeArray(a.box(), 0, 4);
                    }
                    List<Polygon> polygons = Polygons.decode(a.polygons());
                    if (!polygons.isEmpty()) {
                        g.writeArrayFieldStart("polygons");
                        for (Polygon p : polygons) {
                            g.writeArray(p.points(), 0, p.points().length);
                        }
                        g.writeEndArray();
                    }
                    if (a.crowd()) {
                        g.writeBooleanField("crowd", true);
                    }
                    if (a.attributes() != null && !a.attributes().isBlank() && !a.attributes().equals("{}")) {
                        // The catalog stores attributes as a JSON object written by Loupe itself.
                        g.writeFieldName("attributes");
                        g.writeRawValue(a.attributes());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            return json.toByteArray();
        }
    }

    /** {@code shard-000000.tar}, ... */
    static String shardName(int index) {
        return String.format(Locale.ROOT, "shard-%06d.tar", index);
    }

    /** The sample key: position, then the sanitised file name without extension (see the class comment). */
    static String key(long index, String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%09d", index));
        if (!stem.isEmpty()) {
            sb.append('_');
        }
        for (int i = 0; i < stem.length() && i < MAX_NAME_CHARS; i++) {
            char c = stem.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
            sb.append(safe ? c : '_');
        }
        return sb.toString();
    }

    /** The image entry's extension: the file's, lower-cased and made safe; {@code bin} when it has none. */
    static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ext.length() && i < 16; i++) {
            char c = ext.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return sb.length() == 0 || sb.toString().equals("json") ? "bin" : sb.toString();
    }

    private static void writeIndex(Path file, Result r, Options options) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode index = mapper.createObjectNode();
        index.put("format", "webdataset");
        index.put("items", r.items());
        index.put("bytes", r.bytes());
        if (options.size().maxItems() > 0) {
            index.put("shard_max_items", options.size().maxItems());
        } else {
            index.put("shard_max_bytes", options.size().maxBytes());
        }
        index.putPOJO("shuffle_seed", r.shuffleSeed());
        index.put("split", r.split());
        ArrayNode shards = index.putArray("shards");
        for (ShardInfo s : r.shards()) {
            shards.addObject().put("file", s.file()).put("items", s.items()).put("bytes", s.bytes())
                    .put("first_key", s.firstKey()).put("last_key", s.lastKey());
        }
        ObjectNode skipped = index.putObject("skipped");
        skipped.put("missing", r.skippedMissing());
        skipped.put("corrupt", r.skippedCorrupt());
        ArrayNode list = skipped.putArray("images");
        for (Skip s : r.skipped()) {
            list.addObject().put("path", s.path()).put("reason", s.reason());
        }
        mapper.writeValue(file.toFile(), index);
    }
}
