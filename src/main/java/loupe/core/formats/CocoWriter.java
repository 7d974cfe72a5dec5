package loupe.core.formats;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.Polygon;

/**
 * Writes COCO object detection / instance segmentation JSON: {@code annotations/instances_<split>.json} per
 * split with the images in {@code images/<split>/NAME}; images without a split go to
 * {@code annotations/instances.json} and {@code images/NAME}. A {@code file_name} is relative to its split's
 * image folder (just {@code NAME}, which keeps sub-folders below the split folder), so COCO tools
 * (pycocotools, Detectron2's {@code register_coco_instances}, mmdetection's {@code data_prefix}) are given
 * {@code images/<split>} as the image root; {@link CocoReader} finds them there on its own.
 *
 * <p><b>Content.</b> Every file holds {@code info}, {@code licenses} (empty), all {@code categories},
 * its {@code images} ({@code id}, {@code file_name}, {@code width}, {@code height}) and its
 * {@code annotations}: {@code id}, {@code image_id}, {@code category_id}, {@code bbox} {@code [x, y, w, h]}
 * in pixels as in the model, {@code area} (the source's {@code area} attribute when it is a number, else
 * the polygons' area, else {@code w * h}), {@code iscrowd} 0/1, {@code segmentation} (the polygons as flat
 * lists; {@code []} when there are none; an RLE mask carried as {@link CocoRle#ATTRIBUTE} is written back as
 * RLE in the source's form, compressed counts byte-identical, and gives the {@code area} when the source had
 * none) and, when the annotation has other attributes, an
 * {@code attributes} object (CVAT's COCO flavour; numbers and booleans are written as such, everything
 * else as strings), which {@link CocoReader} reads back as attributes.
 *
 * <p><b>Ids.</b> Category ids are kept as in the source when every id is at least 1; otherwise (many COCO
 * tools reserve 0 for the background: CVAT's import broke on fiftyone#4615 and supervision#2276 output) they
 * are mapped in the order of the source ids to 1..N. The report holds the mapping of every class either
 * way. Image ids are 1..M and annotation ids 1..N per file, in write order (images in path order).
 *
 * <p><b>Losses</b> (reported per kind): image-level labels (COCO instances needs a box: skipped),
 * annotations of classes not in the class list (skipped), source annotation ids that differ from the written ones, polygons with fewer
 * than 3 points (dropped from the segmentation), non-finite coordinates (skipped), images of unknown size
 * (written with width and height 0).
 *
 * <p><b>Memory.</b> The JSON is streamed: each split's file is written as its images arrive (Jackson's
 * generator), its annotations go to a hidden part file beside it ({@link JsonBytes}: the same bytes, written
 * faster), which is appended and deleted when all images are written. Memory holds one image's annotations
 * at a time, whatever the dataset's size.
 *
 * <p>Stateless and thread-safe.
 */
final class CocoWriter implements DatasetWriter {

    /** A JSON number as the grammar defines it; such attribute text is written as a number, unchanged. */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
    /** Characters not allowed in a file name on some system; a split name holding them is changed. */
    private static final Pattern UNSAFE = Pattern.compile("[/\\\\:*?\"<>|\\p{Cntrl}]");

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        List<ClassLabel> classes = source.classes();
        Map<Integer, Integer> ids = categoryIds(classes, report);
        Map<String, SplitFile> files = new LinkedHashMap<>();
        try (Formatter numbers = new Formatter()) {
            long total = source.imageCount();
            long[] done = {0};
            source.forEachImage((image, annotations) -> {
                target.progress().checkCancelled();
                report.imageIn();
                SplitFile file = files.get(image.split());
                if (file == null) {
                    file = new SplitFile(target, image.split(), classes, ids, report.from(), numbers);
                    files.put(image.split(), file);
                }
                String name = WriteTarget.imageName(image);
                target.placeImage(image, file.imageFolder + name);
                file.image(image, name, annotations, ids, report);
                report.imageOut();
                target.progress().update("writing", ++done[0], total);
            });
            if (files.isEmpty()) {
                files.put(null, new SplitFile(target, null, classes, ids, report.from(), numbers));
            }
            for (SplitFile file : files.values()) {
                file.finish();
            }
        } catch (IOException | RuntimeException e) {
            // Failed or cancelled: close what is open and leave no part file behind (the caller's temporary
            // output folder is deleted too, but a writer used on its own must be clean as well).
            for (SplitFile file : files.values()) {
                try {
                    file.discard();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Source class id to written category id; fills the report's mapping for every class. */
    private static Map<Integer, Integer> categoryIds(List<ClassLabel> classes, ConversionReport report) {
        boolean keep = classes.stream().allMatch(c -> c.id() >= 1);
        Map<Integer, Integer> ids = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            ClassLabel c = classes.get(i);
            int written = keep ? c.id() : i + 1;
            ids.put(c.id(), written);
            report.mapping(c.id(), c.name(), written);
            report.className(c.id(), c.name());
        }
        return ids;
    }

    /** One output JSON file: its images are written as they come, its annotations into a part file. */
    private static final class SplitFile {

        final String imageFolder;
        private final Path part;
        private final OutputStream out;
        private final JsonGenerator document;
        /** The annotations, written without the generator (see {@link JsonBytes}). */
        private final JsonBytes annotations;
        private int nextImageId = 1;
        private long nextAnnotationId = 1;
        private boolean finished;
        private final Formatter formatter;
        /** Annotations prepared but not yet handed to the formatter (see {@link Formatter}). */
        private List<Prepared> batch = new ArrayList<>();
        private int batchPoints;
        /** Batches being formatted, oldest first; their bytes go to the part file in this order. */
        private final java.util.ArrayDeque<java.util.concurrent.Future<byte[]>> inFlight = new java.util.ArrayDeque<>();

        SplitFile(WriteTarget target, String split, List<ClassLabel> classes, Map<Integer, Integer> ids,
                  String from, Formatter formatter) throws IOException {
            this.formatter = formatter;
            String safe = split == null ? null : UNSAFE.matcher(split).replaceAll("_");
            if (safe != null && !safe.equals(split)) {
                target.report().note("split '" + split + "' is written as '" + safe
                        + "': its name has characters a file name cannot hold");
            }
            String base = safe == null ? "instances" : "instances_" + safe;
            imageFolder = safe == null ? "images/" : "images/" + safe + "/";
            Path json = target.file("annotations/" + base + ".json");
            part = target.file("annotations/." + base + ".annotations.part");
            if (Files.exists(json)) {
                throw new IOException("two splits are both written as " + json.getFileName() + " (" + split
                        + " and another one whose name differs only in characters a file name cannot hold)");
            }
            // Bigger writes than the generator's 8 KB buffer: fewer system calls for files of hundreds of MB.
            out = new BufferedOutputStream(Files.newOutputStream(json), 1 << 16);
            document = CocoReader.JSON.createGenerator(out, JsonEncoding.UTF8);
            try {
                annotations = new JsonBytes(Files.newOutputStream(part));
            } catch (IOException e) {
                document.close();
                Files.deleteIfExists(part);
                throw e;
            }
            // Categories go before the images so that only the annotations need to wait in the part file.
            document.writeStartObject();
            document.writeObjectFieldStart("info");
            document.writeStringField("description", "Written by Loupe" + (from == null ? "" : " from " + from));
            document.writeEndObject();
            document.writeArrayFieldStart("licenses");
            document.writeEndArray();
            document.writeArrayFieldStart("categories");
            for (ClassLabel c : classes) {
                document.writeStartObject();
                document.writeNumberField("id", ids.get(c.id()));
                document.writeStringField("name", c.name() == null ? String.valueOf(c.id()) : c.name());
                document.writeStringField("supercategory", "");
                document.writeEndObject();
            }
            document.writeEndArray();
            document.writeArrayFieldStart("images");
            annotations.startArray();
        }

        void image(ImageItem image, String name, List<Annotation> anns, Map<Integer, Integer> ids,
                   ConversionReport report) throws IOException {
            int imageId = nextImageId++;
            if (image.width() <= 0 || image.height() <= 0) {
                report.loss("image size unknown", "width and height written as 0 (the image file is missing"
                        + " or unreadable and the source declares no size)");
            }
            document.writeStartObject();
            document.writeNumberField("id", imageId);
            document.writeStringField("file_name", name);
            document.writeNumberField("width", Math.max(0, image.width()));
            document.writeNumberField("height", Math.max(0, image.height()));
            document.writeEndObject();
            for (Annotation a : anns) {
                report.annotationIn(a.classId());
                Integer categoryId = ids.get(a.classId());
                if (categoryId == null) {
                    report.loss("unknown class id", "annotation skipped: its class is not in the class list");
                    continue;
                }
                BoundingBox box = a.box();
                if (box == null && !a.polygons().isEmpty()) {
                    box = bounds(a.polygons());
                }
                if (box == null) {
                    report.loss("image-level label", "skipped: COCO instances needs a box");
                    continue;
                }
                if (!finite(box)) {
                    report.loss("non-finite coordinates", "annotation skipped: its box is not four finite numbers");
                    continue;
                }
                annotation(a, imageId, categoryId, box, report);
                report.annotationOut(a.classId());
            }
        }

        /**
         * Decides everything about one annotation that the report hears of, in the order it always heard it,
         * and queues the rest (its bytes) for the formatter.
         */
        private void annotation(Annotation a, int imageId, int categoryId, BoundingBox box, ConversionReport report)
                throws IOException {
            long id = nextAnnotationId++;
            Map<String, String> attributes = new TreeMap<>(a.attributes());
            String sourceId = attributes.remove("id");
            if (sourceId != null && !sourceId.equals(Long.toString(id))) {
                report.loss("annotation id", "renumbered: COCO ids are written 1..N per file in write order");
            }
            String segmentation = attributes.remove(CocoRle.SOURCE_FORM);
            boolean rleForm = CocoRle.COMPRESSED.equals(segmentation) || CocoRle.UNCOMPRESSED.equals(segmentation);
            String rleText = attributes.remove(CocoRle.ATTRIBUTE);
            CocoRle rle = rleText == null ? null : readRle(rleText, report);
            if (rleText == null && rleForm) {
                report.loss("RLE mask", "written as its box only (the mask's runs were not carried)");
            }
            if (segmentation != null && !rleForm && rleText == null) {
                report.loss("attribute 'segmentation'", "dropped: COCO's segmentation field holds the polygons");
            }
            String crowdText = attributes.remove("iscrowd");
            if (crowdText != null && truthy(crowdText) != a.crowd()) {
                report.loss("attribute 'iscrowd'", "dropped: iscrowd is written from the annotation's crowd flag");
            }
            String areaText = attributes.remove("area");
            List<Polygon> polygons = new ArrayList<>(a.polygons().size());
            int points = 0;
            for (Polygon polygon : a.polygons()) {
                if (polygon.size() < 3) {
                    report.loss("degenerate polygon", "dropped from the segmentation: COCO polygons need at least"
                            + " 3 points (the box is kept)");
                } else if (!finite(polygon.points())) {
                    report.loss("non-finite coordinates", "polygon dropped from the segmentation (the box is kept)");
                } else {
                    polygons.add(polygon);
                    points += polygon.size();
                }
            }
            if (rle != null && !polygons.isEmpty()) {
                report.loss("polygon beside an RLE mask", "dropped: a COCO segmentation is a mask or polygons");
            }
            // The area: an RLE mask's when the source gave none, else the source's when it is a number (written
            // as is), else computed by the formatter from the polygons or the box.
            String area = null;
            if (areaText != null) {
                String trimmed = areaText.trim();
                if (JSON_NUMBER.matcher(trimmed).matches() && Double.isFinite(Double.parseDouble(trimmed))) {
                    area = trimmed;
                } else {
                    report.loss("attribute 'area'", "not a number; the area was computed instead");
                }
            }
            batch.add(new Prepared(id, imageId, categoryId, box, a.crowd(), polygons, rle,
                    rle == null ? null : CocoRle.compressedText(rleText), CocoRle.UNCOMPRESSED.equals(segmentation),
                    area, rle != null && areaText == null, attributes));
            batchPoints += points + 8;
            if (batchPoints >= BATCH_POINTS) {
                send();
            }
        }

        private static CocoRle readRle(String text, ConversionReport report) {
            try {
                return CocoRle.fromAttribute(text);
            } catch (IllegalArgumentException e) {
                report.loss("RLE mask unreadable", "written as its box only: " + e.getMessage());
                return null;
            }
        }

        /** Hands the prepared annotations to the formatter; writes out batches already formatted. */
        private void send() throws IOException {
            if (batch.isEmpty()) {
                return;
            }
            List<Prepared> prepared = batch;
            batch = new ArrayList<>();
            batchPoints = 0;
            inFlight.add(formatter.format(prepared));
            while (inFlight.size() > Formatter.IN_FLIGHT) {
                annotations.elements(formatter.await(inFlight.poll()));
            }
        }

        /** Closes the images, appends the part file's annotations and the end of the object. */
        /** Closes the images, appends the part file's annotations and the end of the object. */
        void finish() throws IOException {
            send();
            while (!inFlight.isEmpty()) {
                annotations.elements(formatter.await(inFlight.poll()));
            }
            annotations.endArray();
            annotations.close();
            document.writeEndArray();
            document.writeFieldName("annotations");
            // An empty raw value makes the generator write the ':' and count the value as written; the array
            // itself is copied byte for byte from the part file, which never passes through memory whole.
            document.writeRawValue("");
            document.flush();
            Files.copy(part, out);
            document.writeEndObject();
            document.close();
            Files.delete(part);
            finished = true;
        }

        /** After a failure: closes what is open and deletes the part file. Does nothing once finished. */
        void discard() throws IOException {
            if (finished) {
                return;
            }
            try {
                annotations.close();
                document.close();
            } finally {
                Files.deleteIfExists(part);
            }
        }
    }

    /** Coordinates (and other numbers) per batch of annotations handed to the formatter: ~100-300 KB of JSON. */
    private static final int BATCH_POINTS = 8192;

    /**
     * One annotation as it will be written: everything the report hears of is decided (see
     * {@link SplitFile#annotation}); what is left is formatting, which {@link #emit} does on a formatter thread.
     *
     * @param area    the source's area as JSON number text, or null
     * @param rleArea write the RLE mask's area (the source gave none)
     */
    private record Prepared(long id, int imageId, int categoryId, BoundingBox box, boolean crowd,
                            List<Polygon> polygons, CocoRle rle, String rleCompressed, boolean rleUncompressed,
                            String area, boolean rleArea, Map<String, String> attributes) {
    }

    /**
     * Formats batches of annotations into JSON bytes on background threads, while the caller's thread reads the
     * next images and decides what the report hears: formatting the numbers of COCO from YOLO (fractions times
     * the image size, 15-17 digits each) was most of the writing time, and one thread did it while the other
     * core waited. Batches are written to the file in the order they were handed over, so the bytes are those
     * one thread writes. Each thread has its own {@link NumberTexts}.
     */
    static final class Formatter implements AutoCloseable {

        /** Batches formatted or being formatted ahead of the one written: bounds memory to a few MB. */
        static final int IN_FLIGHT = 4;

        private final java.util.concurrent.ExecutorService threads;
        private final ThreadLocal<NumberTexts> numbers = ThreadLocal.withInitial(NumberTexts::new);

        Formatter() {
            int count = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            threads = java.util.concurrent.Executors.newFixedThreadPool(count, r -> {
                Thread t = new Thread(r, "loupe-coco-format-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }

        java.util.concurrent.Future<byte[]> format(List<Prepared> batch) {
            return threads.submit(() -> {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(BATCH_POINTS * 20);
                JsonBytes json = JsonBytes.elements(bytes);
                NumberTexts texts = numbers.get();
                for (Prepared p : batch) {
                    emit(json, p, texts);
                }
                json.flush();
                return bytes.toByteArray();
            });
        }

        /** The bytes of a batch, waiting for them; a formatting failure is rethrown as it was thrown. */
        byte[] await(java.util.concurrent.Future<byte[]> batch) throws IOException {
            try {
                return batch.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while writing COCO annotations");
            } catch (java.util.concurrent.ExecutionException e) {
                throw loupe.core.task.Failures.rethrow(e.getCause());
            }
        }

        @Override
        public void close() {
            threads.shutdownNow();   // only memory is written: nothing to wait for
        }
    }

    /** Writes one annotation object (see the class comment for its fields). */
    private static void emit(JsonBytes json, Prepared p, NumberTexts texts) throws IOException {
        json.startObject();
        json.fieldName("id");
        json.number(p.id());
        json.fieldName("image_id");
        json.number(p.imageId());
        json.fieldName("category_id");
        json.number(p.categoryId());
        json.fieldName("bbox");
        json.startArray();
        BoundingBox box = p.box();
        number(json, box.x(), texts);
        number(json, box.y(), texts);
        number(json, box.width(), texts);
        number(json, box.height(), texts);
        json.endArray();
        json.fieldName("area");
        if (p.rleArea()) {
            json.number(p.rle().area());
        } else if (p.area() != null) {
            json.numberText(p.area());
        } else {
            double area = 0;
            for (Polygon polygon : p.polygons()) {
                area += shoelace(polygon.points());
            }
            number(json, area > 0 && Double.isFinite(area) ? area : Math.abs(box.area()), texts);
        }
        json.fieldName("iscrowd");
        json.number(p.crowd() ? 1 : 0);
        // NOTE: an empty list rather than no key: CVAT and datumaro write [] for box-only objects, and
        // tools that index ann["segmentation"] directly (older Detectron2, pycocotools' showAnns) need the key.
        if (p.rle() != null) {
            rle(json, p.rle(), p.rleCompressed(), p.rleUncompressed());
        } else {
            json.fieldName("segmentation");
            json.startArray();
            for (Polygon polygon : p.polygons()) {
                json.startArray();
                for (double v : polygon.points()) {
                    number(json, v, texts);
                }
                json.endArray();
            }
            json.endArray();
        }
        if (!p.attributes().isEmpty()) {
            json.fieldName("attributes");
            json.startObject();
            for (Map.Entry<String, String> e : p.attributes().entrySet()) {
                json.fieldName(e.getKey());
                scalar(json, e.getValue());
            }
            json.endObject();
        }
        json.endObject();
    }

    /**
     * An RLE segmentation: {@code counts} as the source wrote them (the compressed text byte for byte, or
     * the list of run lengths), then {@code size}, the order pycocotools and the COCO files use.
     */
    private static void rle(JsonBytes json, CocoRle rle, String compressed, boolean uncompressed) throws IOException {
        json.fieldName("segmentation");
        json.startObject();
        json.fieldName("counts");
        if (uncompressed) {
            json.startArray();
            for (long c : rle.counts()) {
                json.number(c);
            }
            json.endArray();
        } else {
            json.string(compressed);
        }
        json.fieldName("size");
        json.startArray();
        json.number(rle.height());
        json.number(rle.width());
        json.endArray();
        json.endObject();
    }

    /** Writes a double compactly: integral values without ".0", others in the shortest exact form. */
    private static void number(JsonBytes json, double v, NumberTexts texts) throws IOException {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            json.number((long) v);
        } else if (!json.shortDecimal(v)) {
            // Written as is: the text writeNumber(double) writes (Double.toString).
            json.doubleText(texts.text(v));
        }
    }

    /**
     * {@code Double.toString} of recently written values. Formatting doubles was the largest cost of writing
     * a polygon-heavy dataset (36 million coordinates for 750k 24-point polygons: ~40% of the CPU time),
     * and coordinates repeat a lot (pixels with two decimals: a few tens of thousands of distinct values).
     * A hit gives the very text {@link JsonGenerator#writeNumber(double)} would write, so the bytes do not
     * change; a miss costs two array look-ups more. Two-way set-associative (256k slots, ~3 MB), not
     * thread-safe: one per write.
     */
    static final class NumberTexts {

        private static final int BITS = 18;
        /** Look-ups per sample of the hit rate. */
        private static final int WINDOW = 1 << 16;
        private final long[] keys = new long[1 << BITS];
        private final String[] texts = new String[1 << BITS];
        private int lookups;
        private int hits;
        /** Values still to format without the cache (see {@link #text}). */
        private int bypass;

        String text(double v) {
            // Values that repeat rarely (COCO from YOLO: fractions times the image size, 10% hits) gain nothing
            // from the cache, and each miss keeps a string alive until it is evicted, which the collector then
            // copies from generation to generation. When a window of look-ups hits less than a quarter of the
            // time, the next 16 windows go straight to the formatting, then the rate is sampled again.
            if (bypass > 0) {
                bypass--;
                return shortest(v);
            }
            if (++lookups == WINDOW) {
                if (hits < WINDOW / 4) {
                    bypass = 16 * WINDOW;
                }
                lookups = 0;
                hits = 0;
            }
            long bits = Double.doubleToRawLongBits(v);
            // MurmurHash3's finaliser: a plain multiplicative hash left hot coordinates colliding (12% misses
            // on the benchmark's polygons against 2% with this mix).
            long h = bits ^ (bits >>> 33);
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            // Two-way sets, the last used first: direct-mapped, the few hundred pairs of hot values sharing a
            // slot evicted each other (2% misses on the benchmark's 36 M coordinates, most of the time left in
            // Double.toString); with two ways 0.2%.
            int slot = (int) h & ((1 << BITS) - 2);
            String text = texts[slot];
            if (text != null && keys[slot] == bits) {
                hits++;
                return text;
            }
            String second = texts[slot + 1];
            if (second != null && keys[slot + 1] == bits) {
                hits++;
                texts[slot + 1] = text;
                keys[slot + 1] = keys[slot];
                texts[slot] = second;
                keys[slot] = bits;
                return second;
            }
            text = shortest(v);
            texts[slot + 1] = texts[slot];
            keys[slot + 1] = keys[slot];
            keys[slot] = bits;
            texts[slot] = text;
            return text;
        }
    }

    /**
     * {@code Double.toString(v)}, the text Jackson's generator writes for a double without its fast-writer
     * feature, found faster for the values coordinates have. Java 17's {@code Double.toString} was the
     * largest cost of writing COCO from YOLO (coordinates there are fractions times the image size: 15-17
     * digits, few repeats). Schubfach (Jackson's {@code DoubleToDecimal}) finds the shortest text that reads
     * back as {@code v} about twice as fast; Java 17's algorithm differs from it only where it writes more
     * digits than needed (JDK-4511638), which happens with exponents (1.0E23 is written 9.999999999999999E22),
     * never in 28 million values tried in [0.001, 10^7), where both write plain decimals. Outside that range
     * the JDK's text is kept, so the bytes stay those of {@code Double.toString}.
     */
    static String shortest(double v) {
        double magnitude = Math.abs(v);
        if (magnitude >= 1e-3 && magnitude < 1e7) {
            return com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal.toString(v);
        }
        return Double.toString(v);
    }

    /** An attribute value: JSON numbers and booleans as such (their text reads back unchanged), else a string. */
    private static void scalar(JsonBytes g, String value) throws IOException {
        if (value.equals("true") || value.equals("false")) {
            g.bool(value.equals("true"));
        } else if (JSON_NUMBER.matcher(value).matches()) {
            g.numberText(value);
        } else {
            g.string(value);
        }
    }

    private static boolean truthy(String s) {
        String t = s.trim();
        return !(t.isEmpty() || t.equals("0") || t.equalsIgnoreCase("false") || t.equals("0.0"));
    }

    /** The absolute area of a simple polygon (shoelace formula). */
    static double shoelace(double[] p) {
        double twice = 0;
        int n = p.length / 2;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            twice += p[2 * i] * p[2 * j + 1] - p[2 * j] * p[2 * i + 1];
        }
        return Math.abs(twice) / 2;
    }

    private static boolean finite(BoundingBox b) {
        return Double.isFinite(b.x()) && Double.isFinite(b.y()) && Double.isFinite(b.width())
                && Double.isFinite(b.height());
    }

    private static boolean finite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static BoundingBox bounds(List<Polygon> polygons) {
        return Polygon.boundsOf(polygons);
    }
}
