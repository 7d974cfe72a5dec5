package loupe.core.index;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import loupe.core.audit.ContentHash;
import loupe.core.audit.DHash;
import loupe.core.audit.FullDecode;
import loupe.core.audit.NearDuplicates;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.task.Progress;

/**
 * The content checks of an indexed catalog: exact duplicates (a 64-bit content hash and the size), near duplicates (dHash
 * within a Hamming distance), the same or a near-same image in two splits, and with {@code deep} a full
 * decode of every image. Results per file are cached in the catalog by path, size and mtime, so a re-run
 * reads only new or changed images; the problems are recomputed from the cached values every run (a
 * duplicate depends on the other files too) and stored in the catalog's {@code problems} table, where
 * {@code loupe stats}, {@code validate}, the report and the UI read them.
 *
 * <p>The {@link Indexer} runs this after indexing when asked ({@link IndexOptions#hashes()},
 * {@link IndexOptions#deep()}), and again on later runs of a catalog that has had it. Callers that hold an
 * indexed catalog may run it directly. Cancellable at every file; a cancelled run stores nothing.
 */
public final class ContentChecks {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContentChecks.class);

    /** Other files named in one problem's message; the rest are counted. */
    private static final int NAMES_IN_MESSAGE = 3;

    /**
     * What to check.
     *
     * @param hashes       exact and near duplicates and split leakage
     * @param deep         full decode of every image
     * @param nearDistance dHash bits that may differ between near duplicates, 0..16
     * @param threads      files read in parallel
     */
    public record Settings(boolean hashes, boolean deep, int nearDistance, int threads) {
        public Settings {
            if (nearDistance < 0 || nearDistance > 16) {
                throw new IllegalArgumentException("nearDistance must be 0..16, got " + nearDistance);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }
    }

    /**
     * What a run did.
     *
     * @param images          present images checked
     * @param hashed          images whose hashes were computed this run (the rest came from the cache)
     * @param decoded         images fully decoded this run (with deep; the rest came from the cache)
     * @param bytesHashed     bytes read for the content hash this run
     * @param problems        content-check problems found (duplicates, near duplicates, leakage, corrupt)
     * @param phaseMillis     wall time per phase: hashes (content), dhash, decoding, duplicates, catalog
     */
    public record Result(long images, long hashed, long decoded, long bytesHashed, long problems,
                         Map<String, Long> phaseMillis) {
    }

    private ContentChecks() {
    }

    /** The settings the catalog last ran with, or null when it never ran the content checks. */
    static Settings previous(Catalog catalog, int threads) {
        boolean hashes = "on".equals(catalog.meta("content_hashes").orElse(""));
        boolean deep = "on".equals(catalog.meta("content_deep").orElse(""));
        if (!hashes && !deep) {
            return null;
        }
        int near = catalog.meta("near_distance").map(Integer::parseInt).orElse(IndexOptions.DEFAULT_NEAR_DISTANCE);
        return new Settings(hashes, deep, near, threads);
    }

    /** A fingerprint of the files and settings the last run covered: equal means nothing to redo. */
    static String stamp(Catalog catalog, Settings s) {
        return catalog.meta("files_fingerprint").orElse("") + ";" + s.hashes() + ";" + s.deep() + ";"
                + s.nearDistance() + ";" + catalog.meta("max_pixels").orElse("");
    }

    /**
     * Runs the checks on an indexed catalog (its images must still be under the root it was indexed from).
     *
     * @throws IllegalStateException when the catalog has not been indexed
     * @throws CatalogException      when the catalog cannot be read or written
     * @throws CancellationException when progress was cancelled
     */
    public static Result run(Catalog catalog, Settings settings, Progress progress) throws IOException {
        Objects.requireNonNull(settings);
        if (!catalog.isIndexed()) {
            throw new IllegalStateException("the catalog " + catalog.file() + " has not been indexed");
        }
        Path root = Path.of(catalog.meta("root").orElseThrow());
        long maxPixels = catalog.meta("max_pixels").map(Long::parseLong).orElse(IndexOptions.DEFAULT_MAX_PIXELS);
        Map<String, Long> phases = new LinkedHashMap<>();
        long mark = System.nanoTime();
        List<Item> items = catalog.query("SELECT i.path, i.split, f.size, f.mtime, h.content_hash, h.dhash,"
                + " h.dhash_error, h.path IS NOT NULL, d.error, d.path IS NOT NULL, c.error, i.width, i.height"
                + " FROM images i JOIN files f ON f.path = i.path"
                + " LEFT JOIN image_hashes h ON h.path = i.path AND h.size = f.size AND h.mtime = f.mtime"
                + " LEFT JOIN decode_cache d ON d.path = i.path AND d.size = f.size AND d.mtime = f.mtime"
                + " LEFT JOIN header_cache c ON c.path = i.path"
                + " WHERE i.present ORDER BY i.path", rs -> {
                    Item it = new Item(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
                    it.contentHash = rs.getString(5);
                    long dhash = rs.getLong(6);
                    it.dhash = rs.wasNull() ? null : dhash;
                    it.dhashError = rs.getString(7);
                    it.hashCached = rs.getBoolean(8) && it.contentHash != null;
                    it.decodeError = rs.getString(9);
                    it.decodeCached = rs.getBoolean(10);
                    it.headerError = rs.getString(11);
                    it.pixels = (long) rs.getInt(12) * rs.getInt(13);
                    return it;
                });
        AtomicLong hashed = new AtomicLong();
        AtomicLong decoded = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ForkJoinPool pool = newPool(settings.threads());
        try {
            if (settings.hashes()) {
                int[] todo = IntStream.range(0, items.size()).filter(i -> !items.get(i).hashCached).toArray();
                // O_DIRECT only when the files would not stay cached for the dHash pass anyway (see ContentHash
                // and docs/PERFORMANCE.md, "2026-11-25 11:20 re-run: O_DIRECT").
                long todoBytes = Arrays.stream(todo).mapToLong(i -> items.get(i).size).sum();
                ContentHash.Reads reads = HASH_READS != null ? HASH_READS
                        : ContentHash.readsFor(todoBytes, physicalMemory());
                ThreadLocal<ContentHash> hasher = ThreadLocal.withInitial(() -> new ContentHash(reads));
                // Two passes: the content hash is bound by the disk, the dHash by decoding. Apart, each runs at
                // its own limit.
                AtomicLong done = new AtomicLong();
                progress.update("hashes", 0, todo.length);
                ForkJoinPool readers = newPool(hashThreads(settings.threads(), reads));
                try {
                    parallel(readers, progress, todo.length, k -> {
                        Item it = items.get(todo[k]);
                        try {
                            it.contentHash = String.format("%016x", hasher.get().hashFile(root.resolve(it.path)));
                            bytes.addAndGet(it.size);
                        } catch (NoSuchFileException | AccessDeniedException e) {
                            LOG.debug("cannot hash {}: {}", it.path, e.toString());
                        }
                        long d = done.incrementAndGet();
                        if ((d & 15) == 0 || d == todo.length) {
                            progress.update("hashes", d, todo.length);
                        }
                    });
                } finally {
                    readers.shutdownNow();
                }
                mark = lap(phases, "hashes", mark);
                AtomicLong perceptual = new AtomicLong();
                progress.update("dhash", 0, todo.length);
                parallel(pool, progress, todo.length, k -> {
                    Item it = items.get(todo[k]);
                    if (it.contentHash != null) {
                        try {
                            it.dhash = DHash.of(root.resolve(it.path));
                            it.dhashError = null;
                        } catch (IOException e) {
                            it.dhash = null;
                            it.dhashError = String.valueOf(e.getMessage());
                        }
                        it.hashComputed = true;
                        hashed.incrementAndGet();
                    }
                    long d = perceptual.incrementAndGet();
                    if ((d & 15) == 0 || d == todo.length) {
                        progress.update("dhash", d, todo.length);
                    }
                });
                mark = lap(phases, "dhash", mark);
            }
            if (settings.deep()) {
                // Files the header check already found corrupt are reported; files over the pixel budget are not
                // decoded (that is what the budget guards against).
                int[] todo = IntStream.range(0, items.size()).filter(i -> !items.get(i).decodeCached
                        && items.get(i).headerError == null && items.get(i).pixels <= maxPixels).toArray();
                AtomicLong done = new AtomicLong();
                progress.update("decoding", 0, todo.length);
                parallel(pool, progress, todo.length, k -> {
                    Item it = items.get(todo[k]);
                    try {
                        it.decodeError = FullDecode.check(root.resolve(it.path));
                        it.decodeComputed = true;
                        decoded.incrementAndGet();
                    } catch (IOException e) {
                        LOG.debug("cannot decode {}: {}", it.path, e.toString());
                    }
                    long d = done.incrementAndGet();
                    if ((d & 3) == 0 || d == todo.length) {
                        progress.update("decoding", d, todo.length);
                    }
                });
                mark = lap(phases, "decoding", mark);
            }
        } finally {
            pool.shutdownNow();
        }
        progress.checkCancelled();
        List<Problem> found = new ArrayList<>();
        if (settings.hashes()) {
            found.addAll(duplicates(items.stream().map(it -> new Fingerprint(it.path, it.split, it.size,
                    it.contentHash, it.dhash)).toList(), settings.nearDistance()));
        }
        if (settings.deep()) {
            for (Item it : items) {
                if (it.decodeError != null && it.headerError == null) {
                    found.add(Problem.of(ProblemKind.CORRUPT_IMAGE, it.path, it.decodeError));
                }
            }
        }
        mark = lap(phases, "duplicates", mark);
        progress.update("catalog", 0, 1);
        List<Catalog.ContentRow> rows = new ArrayList<>();
        for (Item it : items) {
            if (it.hashComputed || it.decodeComputed) {
                rows.add(new Catalog.ContentRow(it.path, it.size, it.mtime, it.hashComputed ? it.contentHash : null,
                        it.hashComputed ? it.dhash : null, it.hashComputed ? it.dhashError : null,
                        it.decodeComputed, it.decodeError));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("content_hashes", settings.hashes() ? "on" : "off");
        meta.put("content_deep", settings.deep() ? "on" : "off");
        meta.put("near_distance", String.valueOf(settings.nearDistance()));
        meta.put("content_checked", stamp(catalog, settings));
        catalog.saveContentChecks(rows, found, meta);
        progress.update("catalog", 1, 1);
        lap(phases, "catalog", mark);
        return new Result(items.size(), hashed.get(), decoded.get(), bytes.get(), found.size(), phases);
    }

    /** One present image and what is known about its content. */
    private static final class Item {
        final String path;
        final String split;
        final long size;
        final long mtime;
        String contentHash;
        Long dhash;
        String dhashError;
        boolean hashCached;
        boolean hashComputed;
        String decodeError;
        boolean decodeCached;
        boolean decodeComputed;
        String headerError;
        long pixels;

        Item(String path, String split, long size, long mtime) {
            this.path = path;
            this.split = split;
            this.size = size;
            this.mtime = mtime;
        }

    }

    /**
     * What the duplicate search knows of one image.
     *
     * @param path        relative to the dataset root
     * @param split       its split, or null
     * @param size        bytes
     * @param contentHash the content hash (hex), or null when the file could not be read
     * @param dhash       the 64-bit dHash, or null when the image could not be decoded
     */
    public record Fingerprint(String path, String split, long size, String contentHash, Long dhash) {
        String contentKey() {
            return contentHash == null ? null : contentHash + ":" + size;
        }
    }

    /** Two splits leak into each other when both are named and differ; an image without a split leaks nowhere. */
    private static boolean leaks(String a, String b) {
        return a != null && b != null && !a.equals(b);
    }

    /**
     * Exact duplicates (same content hash and size), near duplicates (dHashes within {@code nearDistance} bits)
     * and the same or near-same image in two named splits: at most one problem per image and kind, naming the
     * first few other files. Pure computation over the given fingerprints (no I/O); 100,000 images take well
     * under a second at distance 4 (see {@link NearDuplicates}).
     */
    public static List<Problem> duplicates(List<Fingerprint> items, int nearDistance) {
        List<Problem> problems = new ArrayList<>();
        Map<String, List<Integer>> byContent = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String key = items.get(i).contentKey();
            if (key != null) {
                byContent.computeIfAbsent(key, k -> new ArrayList<>(1)).add(i);
            }
        }
        int[] withDhash = IntStream.range(0, items.size()).filter(i -> items.get(i).dhash() != null).toArray();
        long[] dhashes = new long[withDhash.length];
        for (int k = 0; k < withDhash.length; k++) {
            dhashes[k] = items.get(withDhash[k]).dhash();
        }
        NearDuplicates.Result near = NearDuplicates.search(dhashes, nearDistance);
        int[] dhashSlot = new int[items.size()];
        java.util.Arrays.fill(dhashSlot, -1);
        for (int k = 0; k < withDhash.length; k++) {
            dhashSlot[withDhash[k]] = k;
        }
        for (int i = 0; i < items.size(); i++) {
            Fingerprint it = items.get(i);
            Names same = new Names();
            Names leaked = new Names();
            List<Integer> copies = it.contentKey() == null ? List.of() : byContent.get(it.contentKey());
            for (int j : copies) {
                if (j != i) {
                    Fingerprint other = items.get(j);
                    (leaks(it.split(), other.split()) ? leaked : same).add(other, -1);
                }
            }
            if (same.count > 0) {
                problems.add(Problem.of(ProblemKind.DUPLICATE_IMAGE, it.path(),
                        "the same bytes as " + same.list() + " (identical files)"));
            }
            Names nearSame = new Names();
            int slot = dhashSlot[i];
            if (slot >= 0) {
                int group = near.groupOf()[slot];
                int[] own = near.members()[group];
                int[] neighbours = near.neighbours()[group];
                for (int g = -1; g < neighbours.length; g++) {
                    int[] members = g < 0 ? own : near.members()[neighbours[g]];
                    for (int m : members) {
                        int j = withDhash[m];
                        Fingerprint other = items.get(j);
                        if (j == i || Objects.equals(it.contentKey(), other.contentKey())) {
                            continue;   // itself, or an exact copy (reported above)
                        }
                        (leaks(it.split(), other.split()) ? leaked : nearSame).add(other,
                                DHash.distance(it.dhash(), other.dhash()));
                    }
                }
            }
            if (nearSame.count > 0) {
                problems.add(Problem.of(ProblemKind.NEAR_DUPLICATE, it.path(),
                        "looks nearly the same as " + nearSame.list()));
            }
            if (leaked.count > 0) {
                problems.add(Problem.of(ProblemKind.SPLIT_LEAKAGE, it.path(), String.format(Locale.ROOT,
                        "this '%s' image also appears in another split: %s", it.split(), leaked.listWithSplits())));
            }
        }
        return problems;
    }

    /** The first few other files, and how many there are. */
    private static final class Names {
        private final List<String> names = new ArrayList<>();
        private final List<String> withSplits = new ArrayList<>();
        int count;

        /** @param distance the dHash distance, or -1 for an identical file */
        void add(Fingerprint other, int distance) {
            if (names.size() < NAMES_IN_MESSAGE) {
                String detail = distance < 0 ? "" : " (dHash distance " + distance + " of 64)";
                names.add(other.path() + detail);
                withSplits.add("'" + other.split() + "' " + other.path() + (detail.isEmpty() ? " (identical bytes)"
                        : detail));
            }
            count++;
        }

        String list() {
            return join(names);
        }

        String listWithSplits() {
            return join(withSplits);
        }

        private String join(List<String> shown) {
            String s = String.join(", ", shown);
            return count > shown.size() ? s + String.format(Locale.ROOT, " and %,d more", count - shown.size()) : s;
        }
    }

    /** How the content hash reads files when the property loupe.hashReads says (for measurements), else null. */
    private static final ContentHash.Reads HASH_READS = System.getProperty("loupe.hashReads") == null ? null
            : ContentHash.Reads.valueOf(System.getProperty("loupe.hashReads"));

    private static long physicalMemory() {
        try {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getTotalMemorySize();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Threads of the content-hash pass. With O_DIRECT a reader waits on the disk without using CPU, so two per
     * worker keep more images in flight; buffered reads spend CPU in the page cache, and 8 buffered readers on
     * 2 cores were no faster than 4 (docs/PERFORMANCE.md).
     */
    static int hashThreads(int threads, ContentHash.Reads reads) {
        return reads == ContentHash.Reads.BUFFERED ? threads : Math.max(threads, Math.min(16, 2 * threads));
    }

    private static long lap(Map<String, Long> phases, String phase, long since) {
        return Indexer.lap(phases, phase, since);
    }

    private static ForkJoinPool newPool(int threads) {
        return Indexer.newPool(threads, "loupe-audit-");
    }

    @FunctionalInterface
    private interface IndexedTask {
        void run(int i) throws IOException;
    }

    private static void parallel(ForkJoinPool pool, Progress progress, int n, IndexedTask task) throws IOException {
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
                progress.checkCancelled();
                try {
                    task.run(i);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
        progress.checkCancelled();
    }
}
