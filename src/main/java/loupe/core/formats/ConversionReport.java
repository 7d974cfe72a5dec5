package loupe.core.formats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a conversion carried and what it could not: counts in and out per class, every loss by kind with a
 * count, and every class-id mapping. Writers fill it; {@code loupe convert} prints it and writes it as JSON
 * next to the output. Thread-safe.
 */
public final class ConversionReport {

    /** A kind of loss: what the target format cannot hold and what was done about it. */
    public record Loss(String kind, String whatWasDone, long count) {
    }

    /** How one source class id was written. */
    public record ClassMapping(int sourceId, String name, int targetId) {
    }

    /** Per-class counts. */
    public record ClassCounts(int id, String name, long annotationsIn, long annotationsOut) {
    }

    private final String from;
    private final String to;
    private long imagesIn;
    private long imagesOut;
    private long annotationsIn;
    private long annotationsOut;
    /** In and out per class id; a hash map: looked up twice per annotation, ordered only for the report. */
    private final Map<Integer, long[]> perClass = new java.util.HashMap<>();
    private final Map<Integer, String> classNames = new TreeMap<>();
    /** Per kind, in order of first occurrence: what was done (the first description) and a count. */
    private final Map<String, LossCount> losses = new LinkedHashMap<>();
    private final List<ClassMapping> mappings = new ArrayList<>();
    private boolean idsRemapped;
    private final List<String> notes = new ArrayList<>();

    public ConversionReport(String from, String to) {
        this.from = from;
        this.to = to;
    }

    public synchronized void imageIn() {
        imagesIn++;
    }

    public synchronized void imageOut() {
        imagesOut++;
    }

    public synchronized void annotationIn(int classId) {
        annotationsIn++;
        perClass.computeIfAbsent(classId, k -> new long[2])[0]++;
    }

    public synchronized void annotationOut(int classId) {
        annotationsOut++;
        perClass.computeIfAbsent(classId, k -> new long[2])[1]++;
    }

    public synchronized void className(int id, String name) {
        classNames.put(id, name);
    }

    /** Counts one occurrence of a loss; the description says what was done, e.g. "kept as a box only". */
    public synchronized void loss(String kind, String whatWasDone) {
        // Counted in place: a conversion of a million annotations reports a few million losses.
        LossCount count = losses.get(kind);
        if (count == null) {
            losses.put(kind, new LossCount(whatWasDone, 1));
        } else {
            count.count++;
        }
    }

    private static final class LossCount {
        final String whatWasDone;
        long count;

        LossCount(String whatWasDone, long count) {
            this.whatWasDone = whatWasDone;
            this.count = count;
        }
    }

    /** Counts {@code count} occurrences of a loss at once (holes of one mask, say). */
    public synchronized void loss(String kind, String whatWasDone, long count) {
        if (count > 0) {
            LossCount existing = losses.get(kind);
            if (existing == null) {
                losses.put(kind, new LossCount(whatWasDone, count));
            } else {
                existing.count += count;
            }
        }
    }

    /** Records how a class id was written; {@code remapped} when any id differs from the source's. */
    public synchronized void mapping(int sourceId, String name, int targetId) {
        mappings.add(new ClassMapping(sourceId, name, targetId));
        idsRemapped |= sourceId != targetId;
    }

    public synchronized void note(String note) {
        notes.add(note);
    }

    public synchronized String from() {
        return from;
    }

    public synchronized String to() {
        return to;
    }

    public synchronized long imagesIn() {
        return imagesIn;
    }

    public synchronized long imagesOut() {
        return imagesOut;
    }

    public synchronized long annotationsIn() {
        return annotationsIn;
    }

    public synchronized long annotationsOut() {
        return annotationsOut;
    }

    public synchronized List<Loss> losses() {
        List<Loss> result = new ArrayList<>(losses.size());
        losses.forEach((kind, c) -> result.add(new Loss(kind, c.whatWasDone, c.count)));
        return result;
    }

    public synchronized List<ClassMapping> mappings() {
        return List.copyOf(mappings);
    }

    public synchronized boolean idsRemapped() {
        return idsRemapped;
    }

    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    public synchronized List<ClassCounts> classes() {
        List<ClassCounts> result = new ArrayList<>();
        Map<Integer, String> names = new TreeMap<>(classNames);
        perClass.keySet().forEach(id -> names.putIfAbsent(id, null));
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            long[] c = perClass.getOrDefault(e.getKey(), new long[2]);
            result.add(new ClassCounts(e.getKey(), e.getValue(), c[0], c[1]));
        }
        return result;
    }

    /** A plain-text summary for the terminal. */
    public synchronized String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s -> %s: %,d of %,d images, %,d of %,d annotations written%n", from, to,
                imagesOut, imagesIn, annotationsOut, annotationsIn));
        sb.append(String.format("%6s  %-28s %10s %10s%n", "id", "class", "in", "out"));
        for (ClassCounts c : classes()) {
            sb.append(String.format("%6d  %-28s %,10d %,10d%n", c.id(), c.name() == null ? "(unknown)" : c.name(),
                    c.annotationsIn(), c.annotationsOut()));
        }
        if (losses.isEmpty()) {
            sb.append("Nothing lost: the target holds everything the source had.\n");
        } else {
            sb.append("What the target could not hold:\n");
            for (Loss l : losses()) {
                sb.append(String.format("  %,d x %s: %s%n", l.count(), l.kind(), l.whatWasDone()));
            }
        }
        if (idsRemapped) {
            sb.append("Class ids were remapped (source id -> written id):\n");
            for (ClassMapping m : mappings) {
                sb.append(String.format("  %d %s -> %d%n", m.sourceId(), m.name(), m.targetId()));
            }
        } else if (!mappings.isEmpty()) {
            sb.append("Class ids kept as in the source.\n");
        }
        for (String n : notes) {
            sb.append("Note: ").append(n).append('\n');
        }
        return sb.toString();
    }
}
