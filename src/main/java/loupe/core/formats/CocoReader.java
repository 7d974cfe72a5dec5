package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import loupe.core.formats.CocoFormat.CocoFile;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * Reads the COCO files {@link CocoFormat} selects, each as one {@link Unit}, with Jackson's streaming parser:
 * memory stays bounded by the image-id map, never by the size of the file.
 *
 * <p>Per file it emits the {@code categories} (class id = COCO category id, gaps kept), the {@code images}
 * (split from the file name, declared width/height) and the {@code annotations}: {@code bbox} as is (COCO
 * boxes are already {@code [x, y, width, height]} in pixels), polygons from a list-of-lists
 * {@code segmentation}, an RLE {@code segmentation} (compressed or uncompressed counts) as its runs in the
 * attributes {@link CocoRle#ATTRIBUTE} and {@link CocoRle#SOURCE_FORM} (see {@link CocoRle}; the mask is never
 * expanded, a malformed RLE is a problem and the mask is dropped), {@code iscrowd} as crowd, and the other scalar fields ({@code id},
 * {@code area}, {@code score}, ...) and the scalars of a nested {@code attributes} object as string attributes.
 * An annotation without {@code bbox} gets the bounds of its polygons or of its mask, or none at all (an image-level label, as
 * in datumaro's {@code labels_*.json}). Caption and panoptic records are skipped.
 *
 * <p>Bad input becomes problems, never exceptions: malformed JSON (with line and column; everything before
 * the error is kept), a {@code bbox} that is not four numbers, an unknown or missing {@code image_id} or
 * {@code category_id}, duplicate image or category ids, a {@code file_name} escaping the dataset root
 * ({@link ProblemKind#PATH_ESCAPES_ROOT}, the image and its annotations are skipped).
 */
final class CocoReader implements DatasetReader {

    /** Shared, thread-safe. NaN/Infinity are accepted because Python's json module writes them. */
    static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    // NOTE: a broken file can fail every record (say, 800k annotations whose images are missing). The first
    // problems of a file are listed and the rest are counted in one summary, so the audit stays readable.
    static final int MAX_LISTED_PROBLEMS = 100;

    private static final int CANCEL_CHECK_INTERVAL = 8192;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CocoReader.class);

    /**
     * Files at least this big have their annotations array outlined ({@link JsonOutline}) and parsed in chunks
     * on several threads; smaller ones in one streaming pass. Settable for tests.
     */
    static volatile long outlineMinBytes = 8L << 20;

    /** The size of one chunk of annotations parsed by one thread (a few thousand annotations). */
    static volatile int chunkBytes = 512 << 10;

    /**
     * Whether chunks are read with {@link CocoAnnotationScanner} (falling back to Jackson record by record);
     * false: with Jackson only. Settable for tests, which compare the two.
     */
    static volatile boolean fastPath = true;

    /** How many records the fast path has read (not counting those it left to Jackson); for tests. */
    static final java.util.concurrent.atomic.LongAdder FAST_RECORDS = new java.util.concurrent.atomic.LongAdder();

    @Override
    public void read(ReadContext context) throws IOException {
        List<CocoFile> selected = CocoFormat.select(context.files(), context.root());
        if (selected.isEmpty()) {
            context.sink().problem(Problem.of(ProblemKind.OTHER, "",
                    "no COCO annotation file found: no .json file with an \"images\" array"));
            return;
        }
        Map<String, CocoFile> byPath = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (CocoFile file : selected) {
            byPath.put(file.path(), file);
            units.add(Unit.of(file.path()));
        }
        // NOTE: a unit's output also depends on which image files exist (file_name is looked up under several
        // folders), which a Unit cannot express. If images move between those folders while the JSON stays
        // unchanged, a re-index keeps the old paths until the JSON is touched; the indexer then reports them
        // as missing, so the staleness is visible.
        context.parseUnits(units, (unit, sink) -> new FileParse(context, byPath.get(unit.key()), sink).run());
    }

    /** The state of parsing one COCO file; used by one thread. */
    private static final class FileParse {

        private final ReadContext context;
        private final FileListing files;
        private final String path;
        private final String split;
        private final DatasetSink sink;
        /** Folders a file_name is looked up in, best first. */
        private final String[] bases;
        /** How many images were found under each base, to place the missing ones. */
        private final int[] baseHits;
        private final String fallbackBase;

        private final ImageIds images;
        /** Ids of images that were skipped (bad file_name); their annotations are skipped silently. */
        private final Set<Object> skippedImageIds;
        /** The file's parse, when this one reads a chunk of its annotations; null for the file's own. */
        private final FileParse parent;
        private final Set<Integer> categoryIds = new HashSet<>();
        private final DoubleBuffer numbers = new DoubleBuffer();

        private boolean imagesRead;
        private boolean annotationsDeferred;
        private int listedProblems;
        private long unlistedProblems;
        private long records;
        /** What the last rejected bbox was, for the message. */
        private String rejectedBbox;
        /** Annotations whose image may lie beyond the point where a malformed file breaks off. */
        private long annotationsAfterBreak;
        /** The byte offset where the last pass broke off on malformed JSON (-1: unknown). */
        private long failedAt = -1;
        /** The annotations the outlined pass reads as an empty array, to place its errors; null in one pass. */
        private JsonOutline.Field elided;
        /** Problems found after the (elided) annotations, reported after them, in one pass's order. */
        private boolean holdProblems;
        private final List<Problem> heldProblems = new ArrayList<>();
        /** Where in a chunk's bytes the Jackson parser that read them began (JSON errors count from there). */
        private int jsonStart;
        /** Time spent, for the debug log. */
        private long outlineNanos, passNanos, chunksNanos, sinkNanos;

        FileParse(ReadContext context, CocoFile file, DatasetSink sink) {
            this.context = context;
            this.files = context.files();
            this.path = file.path();
            this.split = file.split();
            this.sink = sink;
            this.bases = bases(path, file.rawSplit(), file.split());
            this.baseHits = new int[bases.length];
            this.fallbackBase = fallbackBase(file.rawSplit());
            this.images = new ImageIds();
            this.skippedImageIds = new HashSet<>();
            this.parent = null;
        }

        /** A parse of one chunk of {@code parent}'s annotations, into {@code chunk}; after the images are read. */
        private FileParse(FileParse parent, DatasetSink chunk) {
            this.context = parent.context;
            this.files = parent.files;
            this.path = parent.path;
            this.split = parent.split;
            this.sink = chunk;
            this.bases = parent.bases;
            this.baseHits = null;
            this.fallbackBase = parent.fallbackBase;
            this.images = parent.images;
            this.skippedImageIds = parent.skippedImageIds;
            this.imagesRead = parent.imagesRead;
            this.parent = parent;
        }

        void run() {
            Path file = context.root().resolve(path);
            long start = System.nanoTime();
            JsonOutline outline = outline(file);
            outlineNanos = System.nanoTime() - start;
            boolean failed = outline != null ? runOutlined(file, outline) : pass(file, false);
            if (annotationsDeferred) {
                if (imagesRead || images.size() > 0) {
                    // NOTE: annotations before images. Buffering them would hold the largest part of the file
                    // in memory (hundreds of MB for COCO train2017); a second streaming pass only costs time.
                    pass(file, true);
                } else if (!failed) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, "/annotations",
                            "the file has annotations but no \"images\" array, so they cannot be placed; "
                                    + "expected \"images\": [{\"id\": ..., \"file_name\": ...}, ...]");
                }
            }
            if (annotationsAfterBreak > 0) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "/annotations", annotationsAfterBreak
                        + " annotations refer to images that were not read because the images array breaks off;"
                        + " they are skipped"));
            }
            if (unlistedProblems > 0) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "",
                        unlistedProblems + " more problems in this file are not listed (only the first "
                                + MAX_LISTED_PROBLEMS + " are)"));
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} ms (outline {} ms, pass {} ms, chunks {} ms, of which in the sink {} ms)", path,
                        (System.nanoTime() - start) / 1_000_000, outlineNanos / 1_000_000, passNanos / 1_000_000,
                        chunksNanos / 1_000_000, sinkNanos / 1_000_000);
            }
        }

        /** The outline of a big file, to parse its annotations in parallel; null: read it in one pass. */
        private JsonOutline outline(Path file) {
            try {
                if (Files.size(file) < outlineMinBytes) {
                    return null;
                }
                JsonOutline outline = JsonOutline.scan(file, "annotations", chunkBytes,
                        () -> context.progress().checkCancelled());
                return outline != null && outline.elements() > 0 ? outline : null;
            } catch (IOException e) {
                return null; // the ordinary pass says what is wrong with the file
            }
        }

        /**
         * Reads an outlined file: one pass over everything but the annotations array (which it sees as empty),
         * then the annotations in chunks on several threads, handed to the sink in file order. The result is
         * the one pass's: same records, same order, same problems. One difference, on purpose: in a file that
         * breaks off inside its annotations, the fields after them (the categories, usually) are still read.
         * Returns true when the file broke off.
         */
        private boolean runOutlined(Path file, JsonOutline outline) {
            JsonOutline.Field annotations = outline.field("annotations");
            elided = annotations;
            long start = System.nanoTime();
            boolean failed = pass(() -> JsonOutline.openWithoutValue(file, annotations), false);
            passNanos = System.nanoTime() - start;
            annotationsDeferred = false; // placed below, wherever the array lies
            holdProblems = false;
            if (failed && failedAt <= annotations.start()) {
                heldProblems.forEach(this::report);
                return true; // one pass would have stopped before the annotations too
            }
            if (!imagesRead && images.size() == 0) {
                heldProblems.forEach(this::report);
                if (!failed) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, "/annotations",
                            "the file has annotations but no \"images\" array, so they cannot be placed; "
                                    + "expected \"images\": [{\"id\": ..., \"file_name\": ...}, ...]");
                }
                return failed;
            }
            Chunks chunks = new Chunks(file, outline.chunks());
            start = System.nanoTime();
            chunks.run();
            chunksNanos = System.nanoTime() - start;
            if (!chunks.stopped) {
                heldProblems.forEach(this::report); // one pass would have stopped before them otherwise
            }
            return failed || chunks.stopped;
        }

        /**
         * The annotations of an outlined file, parsed chunk by chunk on the pool the reader runs on (the
         * indexer's), each chunk into its own buffer; whichever thread completes the next chunk in file order
         * hands the buffers on to the sink, so the sink sees them in file order, from one thread at a time.
         */
        private final class Chunks {
            private final Path file;
            private final List<JsonOutline.Chunk> chunks;
            private final AtomicReferenceArray<ChunkSink> done;
            private final AtomicInteger next = new AtomicInteger();
            private final ReentrantLock handing = new ReentrantLock();
            private volatile int handed;
            private volatile boolean stopped;

            Chunks(Path file, List<JsonOutline.Chunk> chunks) {
                this.file = file;
                this.chunks = chunks;
                this.done = new AtomicReferenceArray<>(chunks.size());
            }

            void run() {
                boolean inPool = ForkJoinTask.inForkJoinPool();
                ForkJoinPool pool = inPool ? ForkJoinTask.getPool() : ForkJoinPool.commonPool();
                int workers = Math.max(1, Math.min(chunks.size(),
                        Math.min(pool.getParallelism(), Runtime.getRuntime().availableProcessors())));
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    List<ForkJoinTask<?>> helpers = new ArrayList<>();
                    for (int w = 1; w < workers; w++) {
                        Runnable work = () -> work(channel, workers);
                        helpers.add(inPool ? ForkJoinTask.adapt(work).fork() : pool.submit(work));
                    }
                    RuntimeException failure = null;
                    try {
                        work(channel, workers);
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                    for (ForkJoinTask<?> helper : helpers) {
                        try {
                            helper.join();
                        } catch (RuntimeException e) {
                            failure = failure == null ? e : failure;
                        }
                    }
                    if (failure instanceof UncheckedIOException e) {
                        throw e.getCause();
                    }
                    if (failure != null) {
                        throw failure;
                    }
                } catch (NoSuchFileException e) {
                    problem(ProblemKind.FILE_VANISHED, "", "the file disappeared while the dataset was read");
                } catch (IOException e) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, "", "cannot read the file: " + e.getMessage());
                }
            }

            /** Takes chunks in file order until none is left; stays at most a few chunks ahead of the sink. */
            private void work(FileChannel channel, int workers) {
                // One buffer per worker, reused: a chunk (half a MB) would be a humongous object for G1 each time.
                byte[][] buffer = new byte[1][];
                try {
                    int i;
                    while (!stopped && (i = next.getAndIncrement()) < chunks.size()) {
                        while (!stopped && i - handed > 2 * workers) {
                            context.progress().checkCancelled();
                            LockSupport.parkNanos(200_000); // bounded memory: wait for the chunk being handed on
                        }
                        done.set(i, parse(channel, chunks.get(i), buffer));
                        handOn();
                    }
                } catch (RuntimeException e) {
                    stopped = true;
                    throw e;
                }
            }

            private ChunkSink parse(FileChannel channel, JsonOutline.Chunk chunk, byte[][] reused) {
                int length = Math.toIntExact(chunk.end() - chunk.start());
                byte[] bytes = reused[0];
                if (bytes == null || bytes.length < length + 2) {
                    bytes = reused[0] = new byte[Math.max(length + 2, chunkBytes + (chunkBytes >> 3))];
                }
                bytes[0] = '[';
                bytes[length + 1] = ']';
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, length);
                ChunkSink out = new ChunkSink();
                try {
                    for (long at = chunk.start(); buffer.hasRemaining(); ) {
                        int n = channel.read(buffer, at + buffer.position() - 1);
                        if (n < 0) {
                            throw new IOException("the file became shorter while it was read");
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                FileParse parse = new FileParse(FileParse.this, out);
                try {
                    if (fastPath) {
                        parse.readAnnotationsFast(bytes, length + 2, chunk.firstIndex());
                    } else {
                        try (JsonParser p = JSON.createParser(bytes, 0, length + 2)) {
                            p.nextToken(); // the '[' added above
                            parse.readAnnotations(p, chunk.firstIndex());
                        }
                    }
                } catch (JsonProcessingException e) {
                    out.broken = e;
                    // bytes[0] is the byte before the chunk; Jackson counts from where its parser began.
                    out.brokenAt = chunk.start() - 1 + parse.jsonStart
                            + (e.getLocation() == null ? 1 : e.getLocation().getByteOffset());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                out.afterBreak = parse.annotationsAfterBreak;
                return out;
            }

            /** Hands every finished chunk that is next in file order on to the sink, unless another thread does. */
            private void handOn() {
                while (handing.tryLock()) {
                    try {
                        ChunkSink chunk;
                        while (!stopped && handed < chunks.size() && (chunk = done.getAndSet(handed, null)) != null) {
                            handOn(chunk);
                            handed++;
                        }
                    } finally {
                        handing.unlock();
                    }
                    // A chunk finished while the lock was held may have found it taken: look again.
                    int h = handed;
                    if (stopped || h >= chunks.size() || done.get(h) == null) {
                        return;
                    }
                }
            }

            private void handOn(ChunkSink chunk) {
                long start = System.nanoTime();
                for (Annotation a : chunk.annotations) {
                    sink.annotation(a);
                }
                sinkNanos += System.nanoTime() - start;
                for (Problem p : chunk.problems) {
                    report(p);
                }
                annotationsAfterBreak += chunk.afterBreak;
                if (chunk.broken != null) {
                    String location = "";
                    try {
                        long[] at = JsonOutline.lineAndColumn(file, chunk.brokenAt);
                        location = "line " + at[0] + ", column " + at[1];
                    } catch (IOException e) {
                        LOG.debug("cannot locate the JSON error in {}", file, e);
                    }
                    report(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, location, "malformed JSON: "
                            + chunk.broken.getOriginalMessage() + "; everything before this point was read"));
                    stopped = true; // one pass would have stopped here
                }
            }
        }

        /**
         * One streaming pass over the file. The first reads everything (skipping annotations that come before
         * the images); the second reads only the annotations and stops after them, so an error later in the
         * file is not reported twice. Returns true when the pass ended on an error.
         */
        private boolean pass(Path file, boolean annotationsOnly) {
            return pass(() -> Files.newInputStream(file), annotationsOnly);
        }

        private boolean pass(InputSource source, boolean annotationsOnly) {
            try (InputStream in = source.open(); JsonParser p = JSON.createParser(in)) {
                JsonToken t = p.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, JsonValues.location(p.currentLocation()),
                            "expected a JSON object with images, annotations and categories, found "
                                    + JsonValues.describe(t, p));
                    return true;
                }
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (annotationsOnly) {
                        if (name.equals("annotations") && value == JsonToken.START_ARRAY) {
                            readAnnotations(p, 0);
                            return false;
                        }
                        p.skipChildren();
                        continue;
                    }
                    switch (name) {
                        case "images" -> {
                            if (expectArray(p, value, "/images")) {
                                readImages(p);
                                imagesRead = true;
                            }
                        }
                        case "annotations" -> {
                            // One pass would read the annotations here: hold back what follows until they are read.
                            holdProblems = elided != null && imagesRead;
                            if (expectArray(p, value, "/annotations")) {
                                if (imagesRead) {
                                    readAnnotations(p, 0);
                                } else {
                                    annotationsDeferred = true;
                                    p.skipChildren();
                                }
                            }
                        }
                        case "categories" -> {
                            if (expectArray(p, value, "/categories")) {
                                readCategories(p);
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
                return false;
            } catch (JsonProcessingException e) {
                failedAt = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
                problem(ProblemKind.MALFORMED_ANNOTATION, location(e),
                        "malformed JSON: " + e.getOriginalMessage() + "; everything before this point was read");
                return true;
            } catch (AccessDeniedException e) {
                problem(ProblemKind.PERMISSION_DENIED, "", "cannot read the file: permission denied");
                return true;
            } catch (NoSuchFileException e) {
                problem(ProblemKind.FILE_VANISHED, "", "the file disappeared while the dataset was read");
                return true;
            } catch (IOException e) {
                problem(ProblemKind.MALFORMED_ANNOTATION, "", "cannot read the file: " + e.getMessage());
                return true;
            }
        }

        /** Where a pass broke off, in the file's lines (the outlined pass reads the file without its annotations). */
        private String location(JsonProcessingException e) {
            if (elided == null || failedAt < 0 || failedAt <= elided.start()) {
                return JsonValues.location(e.getLocation());
            }
            try {
                long[] at = JsonOutline.lineAndColumn(context.root().resolve(path),
                        JsonOutline.originalOffset(elided, failedAt));
                return "line " + at[0] + ", column " + at[1];
            } catch (IOException io) {
                return "";
            }
        }

        private boolean expectArray(JsonParser p, JsonToken value, String pointer) throws IOException {
            if (value == JsonToken.START_ARRAY) {
                return true;
            }
            problem(ProblemKind.MALFORMED_ANNOTATION, pointer,
                    "expected an array, found " + JsonValues.describe(value, p));
            p.skipChildren();
            return false;
        }

        private void readCategories(JsonParser p) throws IOException {
            int index = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                String pointer = "/categories/" + index++;
                if (t != JsonToken.START_OBJECT) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, pointer,
                            "expected a category object, found " + JsonValues.describe(t, p));
                    p.skipChildren();
                    continue;
                }
                Long id = null;
                String idText = null;
                String name = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("id")) {
                        id = JsonValues.longValue(p, value);
                        idText = JsonValues.describe(value, p);
                    } else if (field.equals("name") && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                        name = p.getText();
                    }
                    p.skipChildren();
                }
                if (id == null || id != id.intValue()) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, pointer, "category "
                            + (name == null ? "" : "'" + name + "' ") + "has "
                            + (idText == null ? "no id" : "id " + idText) + "; expected an integer id");
                    continue;
                }
                int classId = id.intValue();
                if (!categoryIds.add(classId)) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, pointer, "category id " + classId
                            + " is defined twice" + (name == null ? "" : " (again as '" + name + "')")
                            + "; the first definition is kept");
                    continue;
                }
                sink.classLabel(new ClassLabel(classId, name == null ? String.valueOf(classId) : name));
            }
        }

        private void readImages(JsonParser p) throws IOException {
            int index = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                String pointer = "/images/" + index++;
                checkCancelled();
                if (t != JsonToken.START_OBJECT) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, pointer,
                            "expected an image object, found " + JsonValues.describe(t, p));
                    p.skipChildren();
                    continue;
                }
                ImageEntry image = ImageEntry.read(p);
                declareImage(pointer, image.id(), image.fileName(), image.width(), image.height());
            }
        }

        private void declareImage(String pointer, Object id, String fileName, int width, int height) {
            if (fileName == null || fileName.isBlank()) {
                problem(ProblemKind.MALFORMED_ANNOTATION, pointer, "image " + (id == null ? "" : id + " ")
                        + "has no file_name; the image and its annotations are skipped");
                if (id != null) {
                    skippedImageIds.add(id);
                }
                return;
            }
            String imagePath = resolveImage(fileName);
            if (imagePath == null) {
                problem(ProblemKind.PATH_ESCAPES_ROOT, pointer, "file_name '" + fileName
                        + "' points outside the dataset root; the image and its annotations are skipped");
                if (id != null) {
                    skippedImageIds.add(id);
                }
                return;
            }
            if (id == null) {
                problem(ProblemKind.MALFORMED_ANNOTATION, pointer, "image " + fileName
                        + " has no usable id (expected a number), so no annotation can refer to it");
            } else {
                String first = images.putIfAbsent(id, imagePath);
                if (first != null) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, pointer, "image id " + id + " is used twice, for "
                            + first + " and for " + imagePath + "; its annotations go to " + first);
                }
            }
            sink.image(new ImageRef(imagePath, split, width, height));
        }

        private void readAnnotations(JsonParser p, int firstIndex) throws IOException {
            int index = firstIndex;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                checkCancelled();
                readElement(p, t, index);
                index++;
            }
        }

        /**
         * Reads a chunk's annotations, {@code b[0, end)} being {@code '['}, the chunk's bytes and {@code ']'}:
         * each record with {@link CocoAnnotationScanner} when it has the usual shape and refers to a known image
         * and an integer category, else with Jackson (which gives the problems, or the JSON error, with their
         * places).
         * The result is {@link #readAnnotations}'s over the same bytes, record for record.
         */
        private void readAnnotationsFast(byte[] b, int end, int firstIndex) throws IOException {
            CocoAnnotationScanner scanner = new CocoAnnotationScanner();
            int last = end - 1; // the ']' after the chunk
            int index = firstIndex;
            int previous = -1;
            int scanned = 0;
            int i = skipSpace(b, 1);
            if (i == last) {
                return;
            }
            while (true) {
                int start = i;
                if (b[start] == ']') {
                    readRestWithJackson(b, end, previous, index); // an array closing early: Jackson says where
                    break;
                }
                checkCancelled();
                int after = scanner.scan(b, start, end);
                if (after >= 0 && emitScanned(scanner)) {
                    scanned++;
                } else {
                    after = readOneWithJackson(b, end, start, index);
                }
                index++;
                previous = start;
                i = skipSpace(b, after);
                if (i == last) {
                    break;
                }
                if (b[i] == ',') {
                    i = skipSpace(b, i + 1);
                    if (i != last) {
                        continue;
                    }
                }
                // Not a comma and another record: malformed between records; Jackson says what and where.
                readRestWithJackson(b, end, previous, index);
                break;
            }
            FAST_RECORDS.add(scanned);
        }

        /** Emits the record the scanner read; false when it needs Jackson's reader (it would give a problem). */
        private boolean emitScanned(CocoAnnotationScanner s) {
            if (!s.hasImageId || !s.hasCategoryId || s.categoryId != (int) s.categoryId) {
                return false;
            }
            String imagePath = images.get(s.imageId);
            if (imagePath == null) {
                return false;
            }
            BoundingBox box = s.hasBbox ? new BoundingBox(s.bbox[0], s.bbox[1], s.bbox[2], s.bbox[3])
                    : !s.polygons.isEmpty() ? bounds(s.polygons) : null;
            Map<String, String> all = s.attributes;
            if (!s.nested.isEmpty()) {
                // As in readAnnotation: top-level fields win over nested attributes of the same name.
                all = new HashMap<>(s.nested);
                all.putAll(s.attributes);
            }
            sink.annotation(new Annotation(imagePath, (int) s.categoryId, box, s.polygons, s.crowd, all));
            return true;
        }

        /** The annotations array's element {@code index}, whose first token is {@code t}: an object, or a problem. */
        private void readElement(JsonParser p, JsonToken t, int index) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                problem(ProblemKind.MALFORMED_ANNOTATION, "/annotations/" + index,
                        "expected an annotation object, found " + JsonValues.describe(t, p));
                p.skipChildren();
            } else {
                readAnnotation(p, index);
            }
        }

        /** Reads the element at {@code b[start]} with Jackson; returns the index just after it. */
        private int readOneWithJackson(byte[] b, int end, int start, int index) throws IOException {
            jsonStart = start - 1;
            b[jsonStart] = '['; // a comma or white space (or the '[' itself): the parser sees a fresh array
            try (JsonParser p = JSON.createParser(b, jsonStart, end - jsonStart)) {
                p.nextToken();
                readElement(p, p.nextToken(), index);
                return jsonStart + (int) p.currentLocation().getByteOffset();
            }
        }

        /**
         * Reads the rest of the chunk with Jackson, from the element at {@code previous} (already read, so
         * skipped; -1: from the chunk's start), for a chunk malformed between its records.
         */
        private void readRestWithJackson(byte[] b, int end, int previous, int index) throws IOException {
            jsonStart = previous < 0 ? 0 : previous - 1;
            b[jsonStart] = '[';
            try (JsonParser p = JSON.createParser(b, jsonStart, end - jsonStart)) {
                p.nextToken();
                if (previous >= 0) {
                    p.nextToken();
                    p.skipChildren();
                }
                readAnnotations(p, index);
            }
        }

        private static int skipSpace(byte[] b, int i) {
            byte c = b[i];
            while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                c = b[++i];
            }
            return i;
        }

        private void readAnnotation(JsonParser p, int index) throws IOException {
            Object imageId = null;
            String imageIdText = null;
            Long categoryId = null;
            String categoryText = null;
            double[] bbox = null;
            String badBbox = null;
            List<Polygon> polygons = List.of();
            boolean hasSegmentation = false;
            Mask mask = null;
            boolean crowd = false;
            boolean notDetection = false;
            Map<String, String> attributes = new HashMap<>();
            Map<String, String> nested = Map.of();
            String at = "/annotations/" + index;

            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "image_id" -> {
                        imageId = JsonValues.idValue(p, value);
                        imageIdText = JsonValues.describe(value, p);
                    }
                    case "category_id" -> {
                        categoryId = JsonValues.longValue(p, value);
                        categoryText = JsonValues.describe(value, p);
                    }
                    case "bbox" -> {
                        bbox = readBbox(p, value);
                        badBbox = bbox == null ? rejectedBbox : null;
                    }
                    case "segmentation" -> {
                        hasSegmentation = value != JsonToken.VALUE_NULL;
                        if (value == JsonToken.START_OBJECT) {
                            mask = readRle(p, at + "/segmentation");
                        } else if (value == JsonToken.START_ARRAY) {
                            SegmentationResult s = readPolygons(p, at);
                            polygons = s.polygons;
                            mask = s.mask;
                        } else if (value != JsonToken.VALUE_NULL) {
                            problem(ProblemKind.MALFORMED_ANNOTATION, at + "/segmentation",
                                    "segmentation is " + JsonValues.describe(value, p)
                                            + "; expected a list of polygons or an RLE object");
                        }
                    }
                    case "iscrowd" -> {
                        crowd = value == JsonToken.VALUE_TRUE || (value.isNumeric() && p.getDoubleValue() != 0);
                        p.skipChildren();
                    }
                    case "attributes" -> {
                        if (value == JsonToken.START_OBJECT) {
                            nested = readScalars(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "caption", "segments_info" -> {
                        notDetection = true;
                        p.skipChildren();
                    }
                    default -> {
                        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                            attributes.put(field, p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
            if (notDetection && bbox == null && badBbox == null && !hasSegmentation) {
                return;
            }
            if (imageId == null) {
                problem(ProblemKind.MALFORMED_ANNOTATION, at, "annotation has "
                        + (imageIdText == null ? "no image_id" : "image_id " + imageIdText)
                        + "; expected the id of an entry in images");
                return;
            }
            String imagePath = images.get(imageId);
            if (imagePath == null) {
                if (!imagesRead) {
                    annotationsAfterBreak++;
                } else if (!skippedImageIds.contains(imageId)) {
                    problem(ProblemKind.MALFORMED_ANNOTATION, at, "annotation refers to image_id " + imageId
                            + ", which no entry in images has; the annotation is skipped");
                }
                return;
            }
            if (categoryId == null || categoryId != categoryId.intValue()) {
                problem(ProblemKind.MALFORMED_ANNOTATION, at, "annotation on " + imagePath + " has "
                        + (categoryText == null ? "no category_id" : "category_id " + categoryText)
                        + "; expected an integer category id");
                return;
            }
            BoundingBox box = null;
            if (bbox != null) {
                box = new BoundingBox(bbox[0], bbox[1], bbox[2], bbox[3]);
            } else if (!polygons.isEmpty()) {
                box = bounds(polygons);
            } else if (mask != null) {
                box = mask.rle.bounds();
            }
            if (badBbox != null) {
                problem(ProblemKind.MALFORMED_ANNOTATION, at + "/bbox", "bbox is " + badBbox
                        + "; expected 4 numbers [x, y, width, height]"
                        + (box != null ? "; the bounds of the polygons are used instead"
                                : "; the annotation is skipped"));
                if (box == null) {
                    return;
                }
            }
            if (mask != null) {
                attributes.put(CocoRle.SOURCE_FORM, mask.uncompressed ? CocoRle.UNCOMPRESSED : CocoRle.COMPRESSED);
                attributes.put(CocoRle.ATTRIBUTE, CocoRle.toAttribute(mask.rle.height(), mask.rle.width(),
                        mask.compressed));
            }
            Map<String, String> all = attributes;
            if (!nested.isEmpty()) {
                // Top-level fields win over nested attributes of the same name (the "id" above all).
                all = new HashMap<>(nested);
                all.putAll(attributes);
            }
            sink.annotation(new Annotation(imagePath, categoryId.intValue(), box, polygons, crowd, all));
        }

        /** Reads a bbox array; null when it is not 4 finite numbers ({@link #rejectedBbox} then says what). */
        private double[] readBbox(JsonParser p, JsonToken value) throws IOException {
            if (value != JsonToken.START_ARRAY) {
                rejectedBbox = JsonValues.describe(value, p);
                p.skipChildren();
                return null;
            }
            double[] box = new double[4];
            int count = 0;
            boolean allNumbers = true, finite = true;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                if (t.isNumeric()) {
                    double v = JsonValues.doubleValue(p);
                    finite &= Double.isFinite(v);
                    if (count < 4) {
                        box[count] = v;
                    }
                } else {
                    allNumbers = false;
                    p.skipChildren();
                }
                count++;
            }
            if (count == 4 && allNumbers && finite) {
                return box;
            }
            rejectedBbox = !allNumbers ? "an array with non-numbers"
                    : !finite ? "an array with NaN or infinite values" : "an array of " + count + " numbers";
            return null;
        }

        private record SegmentationResult(List<Polygon> polygons, Mask mask) {
        }

        /** A decoded RLE segmentation and its compressed counts text (the source's own when it was a string). */
        private record Mask(CocoRle rle, String compressed, boolean uncompressed) {
        }

        /**
         * Reads an RLE object {@code {"size": [h, w], "counts": "..." or [n, ...]}}; null (with a problem) when
         * it is not one. Only the runs are kept, the mask is never expanded.
         */
        private Mask readRle(JsonParser p, String pointer) throws IOException {
            long[] size = null;
            String text = null;
            long[] counts = null;
            String bad = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("size") && value == JsonToken.START_ARRAY) {
                    size = readLongs(p);
                    if (size == null || size.length != 2) {
                        bad = "size is not two integers [height, width]";
                    }
                } else if (field.equals("counts") && value == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else if (field.equals("counts") && value == JsonToken.START_ARRAY) {
                    counts = readLongs(p);
                    if (counts == null) {
                        bad = "counts is not a list of integers";
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (bad == null && (size == null || (text == null && counts == null))) {
                bad = "it needs \"size\": [height, width] and \"counts\" (a string or a list of integers)";
            }
            if (bad == null && (size[0] != (int) size[0] || size[1] != (int) size[1])) {
                bad = "size [" + size[0] + ", " + size[1] + "] is too large";
            }
            if (bad == null) {
                try {
                    int h = (int) size[0], w = (int) size[1];
                    if (text != null) {
                        return new Mask(CocoRle.fromString(h, w, text), text, false);
                    }
                    CocoRle rle = new CocoRle(h, w, counts);
                    return new Mask(rle, rle.toCompressedString(), true);
                } catch (IllegalArgumentException e) {
                    bad = e.getMessage();
                }
            }
            problem(ProblemKind.MALFORMED_ANNOTATION, pointer, "RLE segmentation is malformed: " + bad
                    + "; the mask is dropped (the bbox is kept when there is one)");
            return null;
        }

        /** Reads an array of integers up to its closing bracket; null when something else was in it. */
        private long[] readLongs(JsonParser p) throws IOException {
            numbers.clear();
            boolean ok = readNumbers(p);
            if (!ok) {
                return null;
            }
            long[] result = new long[numbers.size];
            for (int i = 0; i < numbers.size; i++) {
                double v = numbers.values[i];
                if (v != Math.rint(v) || Math.abs(v) > 1e15) {
                    return null;
                }
                result[i] = (long) v;
            }
            return result;
        }

        /**
         * Reads a segmentation array: a list of flat {@code [x0, y0, x1, y1, ...]} polygons, or (NOTE: written by
         * some tools) a single flat polygon not wrapped in a list.
         */
        private SegmentationResult readPolygons(JsonParser p, String pointer) throws IOException {
            List<Polygon> polygons = new ArrayList<>(1);
            Mask mask = null;
            JsonToken t = p.nextToken();
            if (t != null && t.isNumeric()) {
                numbers.clear();
                numbers.add(JsonValues.doubleValue(p));
                boolean ok = readNumbers(p);
                addPolygon(polygons, ok, 0, pointer);
                return new SegmentationResult(polygons, null);
            }
            int polygonIndex = 0;
            for (; t != JsonToken.END_ARRAY && t != null; t = p.nextToken(), polygonIndex++) {
                if (t == JsonToken.START_ARRAY) {
                    numbers.clear();
                    boolean ok = readNumbers(p);
                    addPolygon(polygons, ok, polygonIndex, pointer);
                } else if (t == JsonToken.START_OBJECT) {
                    // NOTE: an RLE inside the list (some exporters wrap it); the first one is the mask.
                    Mask m = readRle(p, pointer + "/segmentation/" + polygonIndex);
                    if (mask == null) {
                        mask = m;
                    } else if (m != null) {
                        problem(ProblemKind.MALFORMED_ANNOTATION, pointer + "/segmentation/" + polygonIndex,
                                "a second RLE mask in one segmentation; only the first is kept");
                    }
                } else {
                    problem(ProblemKind.MALFORMED_ANNOTATION, pointer + "/segmentation/" + polygonIndex,
                            "expected a polygon [x0, y0, x1, y1, ...], found " + JsonValues.describe(t, p));
                    p.skipChildren();
                }
            }
            return new SegmentationResult(polygons, mask);
        }

        /** Reads numbers into {@link #numbers} up to the closing bracket; false if something else was there. */
        private boolean readNumbers(JsonParser p) throws IOException {
            boolean ok = true;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                if (t.isNumeric()) {
                    numbers.add(JsonValues.doubleValue(p));
                } else {
                    ok = false;
                    p.skipChildren();
                }
            }
            return ok;
        }

        private void addPolygon(List<Polygon> polygons, boolean ok, int polygonIndex, String pointer) {
            if (ok && numbers.size % 2 == 0) {
                if (numbers.size > 0) {
                    polygons.add(new Polygon(Arrays.copyOf(numbers.values, numbers.size)));
                }
                return;
            }
            problem(ProblemKind.MALFORMED_ANNOTATION, pointer + "/segmentation/" + polygonIndex,
                    (ok ? "polygon has an odd number of coordinates (" + numbers.size + ")"
                            : "polygon has values that are not numbers")
                            + "; expected x, y pairs; the polygon is skipped");
        }

        private Map<String, String> readScalars(JsonParser p) throws IOException {
            Map<String, String> result = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                    result.put(field, p.getText());
                } else {
                    p.skipChildren();
                }
            }
            return result;
        }

        /** The path of an image, looked up under the candidate folders; null if it escapes the root. */
        private String resolveImage(String fileName) {
            // Normalise once; only names that climb ("../x.jpg") need resolving against every base.
            String normal = DatasetPaths.resolve("", fileName);
            for (int i = 0; i < bases.length; i++) {
                String candidate = normal == null ? DatasetPaths.resolve(bases[i], fileName)
                        : bases[i].isEmpty() ? normal : bases[i] + "/" + normal;
                if (candidate != null && files.contains(candidate)) {
                    baseHits[i]++;
                    return candidate;
                }
            }
            if (normal == null) {
                return null;
            }
            // Not found anywhere: declare it where this file's other images are, so it is reported missing.
            int best = -1;
            for (int i = 0; i < baseHits.length; i++) {
                if (baseHits[i] > 0 && (best < 0 || baseHits[i] > baseHits[best])) {
                    best = i;
                }
            }
            String base = best >= 0 ? bases[best] : fallbackBase;
            return base.isEmpty() ? normal : base + "/" + normal;
        }

        /** Where images go when none is found: the first existing image folder, or the layout's usual one. */
        private String fallbackBase(String rawSplit) {
            String jsonDir = DatasetPaths.parent(path);
            boolean inAnnotations = DatasetPaths.fileName(jsonDir).equalsIgnoreCase("annotations");
            String top = inAnnotations ? DatasetPaths.parent(jsonDir) : jsonDir;
            for (String base : bases) {
                boolean layoutFolder = base.isEmpty() || base.equals(top) || (inAnnotations && base.equals(jsonDir));
                if (!layoutFolder && !files.under(base).isEmpty()) {
                    return base;
                }
            }
            return inAnnotations ? join(top, rawSplit == null ? "images" : "images/" + rawSplit) : jsonDir;
        }

        private void checkCancelled() {
            if ((++records & (CANCEL_CHECK_INTERVAL - 1)) == 0) {
                context.progress().checkCancelled();
            }
        }

        private void problem(ProblemKind kind, String location, String message) {
            if (parent != null) {
                sink.problem(Problem.of(kind, path, location, message)); // the file's parse lists or counts it
            } else {
                report(Problem.of(kind, path, location, message));
            }
        }

        /** Lists the first problems of the file and counts the rest. */
        private void report(Problem problem) {
            if (holdProblems) {
                heldProblems.add(problem);
                return;
            }
            if (listedProblems < MAX_LISTED_PROBLEMS) {
                listedProblems++;
                sink.problem(problem);
            } else {
                unlistedProblems++;
            }
        }
    }

    /**
     * The folders a COCO file's {@code file_name} is looked up in, best first: relative to the folder above
     * {@code annotations/} (or the JSON's own folder) {@code images/<split>}, {@code images}, {@code <split>},
     * {@code <split>2017}, then the JSON's folder, then the same under the root, then the root.
     */
    static String[] bases(String jsonPath, String rawSplit, String split) {
        String jsonDir = DatasetPaths.parent(jsonPath);
        String top = DatasetPaths.fileName(jsonDir).equalsIgnoreCase("annotations")
                ? DatasetPaths.parent(jsonDir) : jsonDir;
        Set<String> result = new LinkedHashSet<>();
        for (String base : top.isEmpty() ? List.of("") : List.of(top, "")) {
            if (rawSplit != null) {
                result.add(join(base, "images/" + rawSplit));
                result.add(join(base, "images/" + split));
            }
            result.add(join(base, "images"));
            if (rawSplit != null) {
                result.add(join(base, rawSplit));
                result.add(join(base, split));
                result.add(join(base, split + "2017"));
            }
            if (base.equals(top)) {
                result.add(jsonDir);
                result.add(top);
            }
        }
        result.add("");
        return result.toArray(String[]::new);
    }

    private static String join(String base, String child) {
        return base.isEmpty() ? child : base + "/" + child;
    }

    private static BoundingBox bounds(List<Polygon> polygons) {
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Polygon polygon : polygons) {
            BoundingBox b = polygon.bounds();
            minX = Math.min(minX, b.x());
            minY = Math.min(minY, b.y());
            maxX = Math.max(maxX, b.maxX());
            maxY = Math.max(maxY, b.maxY());
        }
        return BoundingBox.fromCorners(minX, minY, maxX, maxY);
    }

    /** What one chunk of annotations gave, held until the chunks before it have been handed on. */
    private static final class ChunkSink implements DatasetSink {
        final List<Annotation> annotations = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        JsonProcessingException broken;
        long brokenAt;
        long afterBreak;

        @Override
        public void classLabel(ClassLabel label) {
            throw new IllegalStateException("a chunk of annotations declares no classes");
        }

        @Override
        public void image(ImageRef image) {
            throw new IllegalStateException("a chunk of annotations declares no images");
        }

        @Override
        public void annotation(Annotation annotation) {
            annotations.add(annotation);
        }

        @Override
        public void problem(Problem problem) {
            problems.add(problem);
        }
    }

    @FunctionalInterface
    private interface InputSource {
        InputStream open() throws IOException;
    }

    /**
     * Image id to image path. Numeric ids (the norm) live in an open-addressing table of primitive longs,
     * about 12 bytes per image plus the path; other string ids in a plain map.
     */
    static final class ImageIds {
        private long[] keys = new long[1024];
        private String[] values = new String[1024];
        private int size;
        private final Map<String, String> byString = new HashMap<>();

        int size() {
            return size + byString.size();
        }

        String get(Object id) {
            return id instanceof Long l ? get(l.longValue()) : byString.get((String) id);
        }

        /** The path of a numeric id, or null. */
        String get(long key) {
            int mask = keys.length - 1;
            for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return values[i];
                }
            }
            return null;
        }

        /** Maps id to path unless id is already mapped; returns the earlier path, or null. */
        String putIfAbsent(Object id, String path) {
            if (!(id instanceof Long l)) {
                return byString.putIfAbsent((String) id, path);
            }
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            long key = l;
            int mask = keys.length - 1;
            int i = slot(key, mask);
            for (; values[i] != null; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return values[i];
                }
            }
            keys[i] = key;
            values[i] = path;
            size++;
            return null;
        }

        private void grow() {
            long[] oldKeys = keys;
            String[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new String[oldValues.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldValues[j] != null) {
                    int i = slot(oldKeys[j], mask);
                    while (values[i] != null) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                }
            }
        }

        private static int slot(long key, int mask) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }
    }

    /** The fields of a COCO {@code images} entry Loupe reads; the others are skipped. */
    record ImageEntry(Object id, String fileName, int width, int height) {

        /** Reads the entry's fields, the parser just past its START_OBJECT, up to its END_OBJECT. */
        static ImageEntry read(JsonParser p) throws IOException {
            Object id = null;
            String fileName = null;
            int width = 0;
            int height = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = JsonValues.idValue(p, value);
                    case "file_name" -> {
                        fileName = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    case "width" -> width = JsonValues.sizeValue(p, value);
                    case "height" -> height = JsonValues.sizeValue(p, value);
                    default -> p.skipChildren();
                }
            }
            return new ImageEntry(id, fileName, width, height);
        }
    }
}
