package loupe.core.index;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import loupe.core.formats.DatasetSource;
import loupe.core.formats.FileListing;
import loupe.core.imaging.ImageHeader;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.Problem;

/**
 * A dataset read into memory ({@link Indexer#read}) as a {@link DatasetSource}, for a conversion that needs no
 * catalog. It serves what {@link CatalogSource} serves over a fresh index of the same files, in the same order:
 * <ul>
 * <li>images: the declared ones, one per path, merged as the catalog merges them (greatest split, greatest
 * declared width and height), sized by their header when one was read (else as declared), in path order by
 * code point (DuckDB's order of VARCHARs: their UTF-8 bytes);</li>
 * <li>classes: by id, each with the least of the names it was declared with;</li>
 * <li>per image, its annotations in the order the reader emitted them (the catalog's row order); annotations of
 * images nobody declared are left out, as the catalog's join leaves them out;</li>
 * <li>{@link #shapeCounts()} over every annotation, as the catalog counts them.</li>
 * </ul>
 * Polygons are kept in the catalog's lossless encoding ({@link Polygons}, ~2 bytes a coordinate) and decoded per
 * image as it is visited; attributes as the reader's (immutable, sorted) maps. It holds no problems: readers'
 * problems are only counted, and the dataset-wide checks (missing images, unknown classes, boxes out of bounds)
 * are the catalog's. Immutable once built; {@link #forEachImage} may run more than once, from one thread at a
 * time.
 */
public final class MemoryIndex implements DatasetSource {

    /** The annotations did not fit the heap budget given to {@link Indexer#read}. */
    public static final class TooLarge extends IOException {
        TooLarge(long budget) {
            super("the annotations need more than " + (budget >> 20) + " MB of memory");
        }
    }

    /** Sorts as DuckDB sorts VARCHARs: by code point (UTF-8 byte order), not by UTF-16 unit as String does. */
    static final Comparator<String> CODE_POINT_ORDER = MemoryIndex::compareCodePoints;

    private final Path root;
    private final String format;
    private final String formatReason;
    private final long readerProblems;
    private final List<ClassLabel> classes;
    private final ImageItem[] images;
    /** Per image (in {@link #images} order), where its annotations start in {@link #order}; one more at the end. */
    private final int[] starts;
    /** Annotation numbers grouped by image, each group in emission order. */
    private final int[] order;
    private final Columns annotations;
    private final ShapeCounts shapes;
    private final Map<String, Long> phaseMillis;

    private MemoryIndex(Path root, String format, String formatReason, long readerProblems, List<ClassLabel> classes,
                        ImageItem[] images, int[] starts, int[] order, Columns annotations, ShapeCounts shapes,
                        Map<String, Long> phaseMillis) {
        this.root = root;
        this.format = format;
        this.formatReason = formatReason;
        this.readerProblems = readerProblems;
        this.classes = classes;
        this.images = images;
        this.starts = starts;
        this.order = order;
        this.annotations = annotations;
        this.shapes = shapes;
        this.phaseMillis = phaseMillis;
    }

    @Override
    public Path root() {
        return root;
    }

    /** The format id read with. */
    public String format() {
        return format;
    }

    /** Why the format was chosen (detection's reason, or "chosen with --format"). */
    public String formatReason() {
        return formatReason;
    }

    /** Problems the reader reported (the dataset-wide checks are not run). */
    public long readerProblems() {
        return readerProblems;
    }

    /** Annotations held (those of undeclared images included). */
    public long annotationCount() {
        return annotations.size;
    }

    /** Wall time per phase of the read (listing, scanning, annotations, grouping). */
    public Map<String, Long> phaseMillis() {
        return phaseMillis;
    }

    @Override
    public List<ClassLabel> classes() {
        return classes;
    }

    @Override
    public long imageCount() {
        return images.length;
    }

    @Override
    public ShapeCounts shapeCounts() {
        return shapes;
    }

    @Override
    public void forEachImage(ImageVisitor visitor) throws IOException {
        Columns c = annotations;
        for (int i = 0; i < images.length; i++) {
            ImageItem image = images[i];
            int from = starts[i];
            int to = starts[i + 1];
            List<Annotation> list;
            if (from == to) {
                list = List.of();
            } else {
                Annotation[] array = new Annotation[to - from];
                for (int k = from; k < to; k++) {
                    array[k - from] = c.annotation(order[k], image.path());
                }
                list = Arrays.asList(array);
            }
            visitor.visit(image, java.util.Collections.unmodifiableList(list));
        }
    }

    /** DuckDB's VARCHAR order: code points, which for UTF-16 means surrogates sort above U+E000..U+FFFF. */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    x = fixUp(x);
                    y = fixUp(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates (D800-DFFF) above E000-FFFF, keeping both ranges' inner order. */
    private static char fixUp(char c) {
        return (char) (c >= 0xE000 ? c - 0x800 : c + 0x2000);
    }

    /**
     * The annotations as columns, ~50 bytes each plus the polygon bytes instead of ~500 as objects, and shaped
     * for the garbage collector (G1, with {@code -Xmx1g}): columns in blocks of {@value #BLOCK} annotations, each
     * array well under half a 1 MB region, so none is "humongous" (every humongous allocation past the
     * occupancy threshold starts a concurrent cycle with a young pause: one per megabyte of polygons, tried);
     * the polygon bytes, most of the memory, in direct buffers outside the heap, which no collection copies
     * or scans. Not thread-safe: the collector appends under its lock, and reading starts after.
     */
    private static final class Columns {
        static final byte HAS_BOX = 1;
        static final byte CROWD = 2;
        static final int BLOCK_BITS = 13;
        static final int BLOCK = 1 << BLOCK_BITS;
        /** Direct buffers of 8 MB: a few dozen for a big dataset. */
        static final int CHUNK = 8 << 20;

        /** One block of annotations' columns. */
        private static final class Block {
            final int[] images = new int[BLOCK];
            final int[] classIds = new int[BLOCK];
            final double[] boxes = new double[4 * BLOCK];
            final byte[] flags = new byte[BLOCK];
            /** Where an annotation's polygon bytes are: chunk number in the high int, offset in the low; -1: none. */
            final long[] polygonAt = new long[BLOCK];
            final int[] polygonLength = new int[BLOCK];
            @SuppressWarnings("unchecked")
            final Map<String, String>[] attributes = (Map<String, String>[]) new Map<?, ?>[BLOCK];
        }

        int size;
        private final List<Block> blocks = new ArrayList<>();
        private final List<java.nio.ByteBuffer> chunks = new ArrayList<>();
        /** Bytes used of the last chunk. */
        private int chunkUsed = CHUNK;

        private Block block(int a) {
            return blocks.get(a >>> BLOCK_BITS);
        }

        int image(int a) {
            return block(a).images[a & (BLOCK - 1)];
        }

        /** Annotation {@code a} for {@code imagePath}, its polygons decoded. */
        Annotation annotation(int a, String imagePath) {
            Block b = block(a);
            int i = a & (BLOCK - 1);
            byte flags = b.flags[i];
            BoundingBox box = (flags & HAS_BOX) == 0 ? null
                    : new BoundingBox(b.boxes[4 * i], b.boxes[4 * i + 1], b.boxes[4 * i + 2], b.boxes[4 * i + 3]);
            long at = b.polygonAt[i];
            List<loupe.core.model.Polygon> polygons = at < 0 ? List.of()
                    : Polygons.decode(chunks.get((int) (at >>> 32)), (int) at, b.polygonLength[i]);
            Map<String, String> attributes = b.attributes[i];
            return new Annotation(imagePath, b.classIds[i], box, polygons, (flags & CROWD) != 0,
                    attributes == null ? Map.of() : attributes);
        }

        /** Copies an encoded blob into the chunks; its place for {@code polygonAt}. */
        private long store(byte[] blob) {
            if (blob.length > CHUNK) {
                // A giant polygon: a buffer of its own (rare; the rest of the open chunk is given up).
                chunks.add(java.nio.ByteBuffer.allocateDirect(blob.length).put(blob));
                chunkUsed = CHUNK;
                return (long) (chunks.size() - 1) << 32;
            }
            if (chunkUsed + blob.length > CHUNK) {
                chunks.add(java.nio.ByteBuffer.allocateDirect(CHUNK));
                chunkUsed = 0;
            }
            long at = (long) (chunks.size() - 1) << 32 | chunkUsed;
            chunks.get(chunks.size() - 1).put(chunkUsed, blob);
            chunkUsed += blob.length;
            return at;
        }

        void add(int image, int classId, BoundingBox box, byte[] polygonBlob, boolean crowd,
                 Map<String, String> attributeMap) {
            int i = size & (BLOCK - 1);
            if (i == 0) {
                blocks.add(new Block());
            }
            Block b = blocks.get(blocks.size() - 1);
            b.images[i] = image;
            b.classIds[i] = classId;
            byte f = 0;
            if (box != null) {
                f |= HAS_BOX;
                b.boxes[4 * i] = box.x();
                b.boxes[4 * i + 1] = box.y();
                b.boxes[4 * i + 2] = box.width();
                b.boxes[4 * i + 3] = box.height();
            }
            if (crowd) {
                f |= CROWD;
            }
            b.flags[i] = f;
            if (polygonBlob == null) {
                b.polygonAt[i] = -1;
            } else {
                b.polygonAt[i] = store(polygonBlob);
                b.polygonLength[i] = polygonBlob.length;
            }
            b.attributes[i] = attributeMap.isEmpty() ? null : attributeMap;
            size++;
        }
    }

    /**
     * Collects what the readers emit (the {@link Staging} of {@link Indexer#read}): images by path, merged;
     * annotations as {@link Columns}; classes; a count of problems. Refuses more annotations once their estimated
     * size passes the budget ({@link #throwIfTooLarge} then throws {@link TooLarge}).
     */
    static final class Collector implements Staging {
        /** Estimated heap per annotation besides its polygon bytes: the columns (~50), and slack for their growth. */
        private static final long BYTES_PER_ANNOTATION = 80;

        private final long budget;
        private final Map<String, Integer> pathIds = new HashMap<>();
        private final List<String> paths = new ArrayList<>();
        /** Per path id: declared (as an image), split (the greatest), declared width and height (the greatest). */
        private boolean[] declared = new boolean[1024];
        private String[] splits = new String[1024];
        private int[] declaredWidths = new int[1024];
        private int[] declaredHeights = new int[1024];
        private final TreeMap<Integer, String> classNames = new TreeMap<>();
        private final Columns columns = new Columns();
        private long withBox;
        private long withBoxAndPolygons;
        private long problems;
        private long bytes;
        private volatile boolean tooLarge;

        Collector(long budget) {
            this.budget = budget;
        }

        long bytes() {
            return bytes;
        }

        void throwIfTooLarge() throws TooLarge {
            if (tooLarge) {
                throw new TooLarge(budget);
            }
        }

        private int pathId(String path) {
            Integer id = pathIds.get(path);
            if (id != null) {
                return id;
            }
            int n = paths.size();
            if (n == declared.length) {
                int grown = n * 2;
                declared = Arrays.copyOf(declared, grown);
                splits = Arrays.copyOf(splits, grown);
                declaredWidths = Arrays.copyOf(declaredWidths, grown);
                declaredHeights = Arrays.copyOf(declaredHeights, grown);
            }
            paths.add(path);
            pathIds.put(path, n);
            bytes += 96 + 2L * path.length();
            return n;
        }

        @Override
        public void file(String path, long size, long mtime) {
            // Sizes and mtimes stay in the run's arrays, which finish() reads.
        }

        @Override
        public void header(String path, long size, long mtime, ImageHeader header, String error) {
            // Headers stay in the run's array.
        }

        @Override
        public void unit(String key, long fingerprint, boolean kept) {
            // Nothing is kept for a next run.
        }

        @Override
        public synchronized void image(String unit, String path, String split, int declaredWidth, int declaredHeight) {
            int id = pathId(path);
            declared[id] = true;
            if (split != null && (splits[id] == null || compareCodePoints(split, splits[id]) > 0)) {
                splits[id] = split;
            }
            declaredWidths[id] = Math.max(declaredWidths[id], declaredWidth);
            declaredHeights[id] = Math.max(declaredHeights[id], declaredHeight);
        }

        @Override
        public synchronized void classLabel(String unit, int id, String name) {
            if (name == null) {
                classNames.putIfAbsent(id, null);
            } else {
                classNames.merge(id, name, (a, b) -> a == null || compareCodePoints(b, a) < 0 ? b : a);
            }
        }

        @Override
        public void annotation(String unit, Annotation a) throws SQLException {
            if (tooLarge) {
                throw new SQLException("the annotations outgrew the memory budget");
            }
            // Encoded on the calling (parser) thread, as the catalog's staging does.
            byte[] blob = a.polygons().isEmpty() ? null : Polygons.encode(a.polygons());
            long size = BYTES_PER_ANNOTATION + (blob == null ? 0 : blob.length)
                    + 64L * a.attributes().size();
            synchronized (this) {
                int image = pathId(a.imagePath());
                try {
                    columns.add(image, a.classId(), a.box(), blob, a.crowd(), a.attributes());
                } catch (OutOfMemoryError e) {
                    // Direct memory capped below the budget (-XX:MaxDirectMemorySize): the catalog path instead.
                    tooLarge = true;
                    throw new SQLException("no memory left for the annotations", e);
                }
                if (a.box() != null) {
                    withBox++;
                    if (blob != null) {
                        withBoxAndPolygons++;
                    }
                }
                bytes += size;
                if (bytes > budget) {
                    tooLarge = true;
                }
            }
        }

        @Override
        public synchronized void problem(String unit, Problem problem) {
            problems++;
        }

        @Override
        public void flush() {
        }

        /**
         * The index: images sorted and merged with what the run found on disk ({@code sizes}, {@code mtimes} and
         * {@code headers} parallel to {@code listing}; size -1 for no regular file), annotations grouped per image.
         */
        synchronized MemoryIndex finish(Path root, String format, String reason, FileListing listing, long[] sizes,
                                        long[] mtimes, ImageHeader[] headers, Map<String, Long> phases) {
            int n = paths.size();
            Integer[] sorted = new Integer[n];
            int declaredCount = 0;
            for (int id = 0; id < n; id++) {
                if (declared[id]) {
                    sorted[declaredCount++] = id;
                }
            }
            sorted = Arrays.copyOf(sorted, declaredCount);
            Arrays.sort(sorted, (a, b) -> compareCodePoints(paths.get(a), paths.get(b)));
            int[] position = new int[n];
            Arrays.fill(position, -1);
            ImageItem[] images = new ImageItem[declaredCount];
            for (int p = 0; p < declaredCount; p++) {
                int id = sorted[p];
                position[id] = p;
                String path = paths.get(id);
                int i = listing.indexOf(path);
                long size = i >= 0 ? sizes[i] : -1;
                long mtime = i >= 0 && size >= 0 ? mtimes[i] : -1;
                ImageHeader header = i >= 0 && size >= 0 ? headers[i] : null;
                // As the catalog's images table: the header's size when it has one, else the declared size.
                int width = header != null && header.width() > 0 ? header.width() : declaredWidths[id];
                int height = header != null && header.height() > 0 ? header.height() : declaredHeights[id];
                images[p] = new ImageItem(path, size, mtime, width, height, header == null ? null : header.format(),
                        splits[id]);
            }
            // Counting sort of the annotations by image position; each group keeps emission order.
            int[] starts = new int[declaredCount + 1];
            for (int a = 0; a < columns.size; a++) {
                int p = position[columns.image(a)];
                if (p >= 0) {
                    starts[p + 1]++;
                }
            }
            for (int p = 0; p < declaredCount; p++) {
                starts[p + 1] += starts[p];
            }
            int[] order = new int[starts[declaredCount]];
            int[] next = Arrays.copyOf(starts, declaredCount);
            for (int a = 0; a < columns.size; a++) {
                int p = position[columns.image(a)];
                if (p >= 0) {
                    order[next[p]++] = a;
                }
            }
            List<ClassLabel> classes = new ArrayList<>(classNames.size());
            classNames.forEach((id, name) -> classes.add(new ClassLabel(id, name)));
            pathIds.clear();
            return new MemoryIndex(root, format, reason, problems, List.copyOf(classes), images, starts, order,
                    columns, new ShapeCounts(withBox, withBoxAndPolygons), phases);
        }
    }
}
