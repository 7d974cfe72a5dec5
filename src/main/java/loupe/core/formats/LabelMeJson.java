package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A streaming parser for one LabelMe JSON file ({@code shapes}, {@code imagePath}, {@code imageData},
 * {@code imageWidth}, {@code imageHeight}, {@code flags}), used by {@link LabelMeFormat} for its probe (on the
 * first bytes of a file), its class scan and its units. It never builds the base64 {@code imageData} or
 * shape {@code mask} strings: it only notes that they are there.
 *
 * <p>It reports what the file says, not what it means: a shape with too few points is returned as read and
 * judged by {@link LabelMeFormat}. Structural defects (a point that is not {@code [x, y]}, a {@code shapes}
 * that is not an array) become {@link Issue}s or a shape's {@code defect}; malformed JSON ends the parse with
 * {@link Document#error()} set and everything read before the error kept. Stateless and thread-safe.
 */
final class LabelMeJson {

    /** Top-level keys of COCO files; never in a LabelMe file. */
    private static final Set<String> FOREIGN_KEYS = Set.of("images", "annotations", "categories");

    private LabelMeJson() {
    }

    /** Something wrong in the file's structure, at a JSON pointer ("/shapes/3/points/1"). */
    record Issue(String pointer, String message) {
    }

    /**
     * One entry of {@code shapes}, as read.
     *
     * @param index       its position in {@code shapes}
     * @param label       the {@code label}, or null when missing or not a string
     * @param shapeType   {@code shape_type} as written, or null when missing or null (labelme reads that as
     *                    "polygon")
     * @param points      {@code x0, y0, x1, y1, ...}; empty when {@code points} is missing or null
     * @param groupId     {@code group_id} as text, or null
     * @param flags       the shape's {@code flags}, in file order; never null
     * @param description {@code description}, or null
     * @param extra       other scalar fields (X-AnyLabeling's {@code difficult}, {@code score} ...) as text
     * @param defect      why the shape cannot be used (points that are not pairs of numbers), or null
     */
    record Shape(int index, String label, String shapeType, double[] points, String groupId,
                 Map<String, Boolean> flags, String description, Map<String, String> extra, String defect) {

        int pointCount() {
            return points.length / 2;
        }
    }

    /**
     * What a file (or its first bytes) holds.
     *
     * @param object         the top level is a JSON object
     * @param topKeys        the top-level keys seen
     * @param shapesArray    {@code shapes} is an array
     * @param foreign        a COCO key ({@code images}, {@code annotations}, {@code categories}) holds an
     *                       array before any {@code shapes}: the parse stopped there, the file is not LabelMe
     * @param firstShapeKeys the keys seen in the first shape, even if the parse broke off inside it
     * @param imagePath      {@code imagePath}, or null when missing or not a string
     * @param hasImageData   {@code imageData} is a string (the image, base64-encoded)
     * @param width          {@code imageWidth}, or 0 when missing or not a positive number
     * @param height         {@code imageHeight}, same rules
     * @param flags          the image-level {@code flags}, in file order
     * @param shapes         the shapes read
     * @param issues         structural defects outside the shapes
     * @param error          why the JSON is malformed (or empty), or null when it parsed to the end
     * @param errorLocation  "line L, column C" of the error, or ""
     */
    record Document(boolean object, Set<String> topKeys, boolean shapesArray, boolean foreign,
                    Set<String> firstShapeKeys, String imagePath, boolean hasImageData, int width, int height,
                    Map<String, Boolean> flags, List<Shape> shapes, List<Issue> issues, String error,
                    String errorLocation) {

        /**
         * True when this is a LabelMe file: an object with a {@code shapes} array or an {@code imagePath}
         * string. (A file that breaks off before either is known is not, whatever it was meant to be.)
         */
        boolean isLabelMe() {
            return object && !foreign && (shapesArray || imagePath != null);
        }

        /**
         * The stricter test of the probe, on a file's first bytes: a {@code shapes} array whose first shape has
         * LabelMe's fields, or an empty one next to {@code imagePath}/{@code imageWidth}/{@code imageHeight}.
         */
        boolean looksLikeLabelMe() {
            if (!object || !shapesArray || foreign) {
                return false;
            }
            if (firstShapeKeys.contains("label") || firstShapeKeys.contains("points")
                    || firstShapeKeys.contains("shape_type")) {
                return true;
            }
            return shapes.isEmpty() && (topKeys.contains("imagePath") || topKeys.contains("imageWidth")
                    || topKeys.contains("imageHeight"));
        }
    }

    /** Parses a whole file. Malformed JSON is reported in the result; only a failing read throws. */
    static Document parse(InputStream in) throws IOException {
        try (JsonParser p = CocoReader.JSON.createParser(in)) {
            return new Parse().run(p);
        }
    }

    /** Parses the first bytes of a file (for the probe); the break at the end of them is not an error here. */
    static Document parseHead(byte[] head) {
        try (JsonParser p = CocoReader.JSON.createParser(head, 0, head.length)) {
            return new Parse().run(p);
        } catch (IOException e) {
            return new Parse().result();
        }
    }

    /** The state of one parse; used by one thread. */
    private static final class Parse {
        private boolean object;
        private final Set<String> topKeys = new HashSet<>();
        private boolean shapesArray;
        private boolean foreign;
        private final Set<String> firstShapeKeys = new HashSet<>();
        private String imagePath;
        private boolean hasImageData;
        private int width;
        private int height;
        private final Map<String, Boolean> flags = new LinkedHashMap<>();
        private final List<Shape> shapes = new ArrayList<>();
        private final List<Issue> issues = new ArrayList<>();
        private String error;
        private String errorLocation = "";
        private final DoubleBuffer numbers = new DoubleBuffer();

        Document run(JsonParser p) throws IOException {
            try {
                JsonToken t = p.nextToken();
                if (t == null) {
                    error = "the file is empty; expected a JSON object with \"shapes\" and \"imagePath\"";
                    return result();
                }
                if (t != JsonToken.START_OBJECT) {
                    // Well-formed JSON of another kind (a list, as Label Studio writes): not LabelMe, not an error.
                    return result();
                }
                object = true;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    topKeys.add(name);
                    if (FOREIGN_KEYS.contains(name) && value == JsonToken.START_ARRAY && !shapesArray) {
                        // A COCO file (possibly hundreds of MB): known not to be LabelMe, so stop here.
                        foreign = true;
                        return result();
                    }
                    switch (name) {
                        case "shapes" -> {
                            if (value == JsonToken.START_ARRAY) {
                                shapesArray = true;
                                readShapes(p);
                            } else if (value != JsonToken.VALUE_NULL) {
                                issues.add(new Issue("/shapes", "\"shapes\" is " + describe(value, p)
                                        + "; expected an array of shapes"));
                                p.skipChildren();
                            }
                        }
                        case "imagePath" -> imagePath = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        // NOTE: the string is never fetched (getText would build megabytes of base64); Jackson
                        // skips over it when the next token is read.
                        case "imageData" -> hasImageData = value == JsonToken.VALUE_STRING;
                        case "imageWidth" -> width = size(p, value, "imageWidth");
                        case "imageHeight" -> height = size(p, value, "imageHeight");
                        case "flags" -> readFlags(p, value, "/flags", flags);
                        default -> p.skipChildren();
                    }
                }
            } catch (JsonProcessingException e) {
                error = e.getOriginalMessage();
                errorLocation = location(e.getLocation());
            }
            return result();
        }

        Document result() {
            return new Document(object, Set.copyOf(topKeys), shapesArray, foreign, Set.copyOf(firstShapeKeys),
                    imagePath, hasImageData, width, height, Collections.unmodifiableMap(flags),
                    List.copyOf(shapes), List.copyOf(issues), error, errorLocation);
        }

        private int size(JsonParser p, JsonToken value, String field) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return 0;
            }
            if (value.isNumeric()) {
                double v = p.getDoubleValue();
                if (Double.isFinite(v) && v >= 0 && v <= Integer.MAX_VALUE) {
                    return (int) Math.round(v);
                }
            }
            issues.add(new Issue("/" + field, "\"" + field + "\" is " + describe(value, p)
                    + "; expected a whole number of pixels"));
            p.skipChildren();
            return 0;
        }

        private void readFlags(JsonParser p, JsonToken value, String pointer, Map<String, Boolean> into)
                throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return;
            }
            if (value != JsonToken.START_OBJECT) {
                issues.add(new Issue(pointer, "flags is " + describe(value, p)
                        + "; expected an object of true/false values"));
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                    into.put(name, v == JsonToken.VALUE_TRUE);
                } else {
                    issues.add(new Issue(pointer + "/" + name, "flag '" + name + "' is " + describe(v, p)
                            + "; expected true or false; the flag is ignored"));
                    p.skipChildren();
                }
            }
        }

        private void readShapes(JsonParser p) throws IOException {
            int index = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                if (t == JsonToken.START_OBJECT) {
                    shapes.add(readShape(p, index));
                } else {
                    shapes.add(new Shape(index, null, null, new double[0], null, Map.of(), null, Map.of(),
                            "expected a shape object, found " + describe(t, p)));
                    p.skipChildren();
                }
                index++;
            }
        }

        private Shape readShape(JsonParser p, int index) throws IOException {
            String label = null, shapeType = null, groupId = null, description = null, defect = null;
            double[] points = new double[0];
            Map<String, Boolean> shapeFlags = new LinkedHashMap<>();
            Map<String, String> extra = new LinkedHashMap<>();
            String pointer = "/shapes/" + index;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (index == 0) {
                    firstShapeKeys.add(field);
                }
                switch (field) {
                    case "label" -> label = value.isScalarValue() && value != JsonToken.VALUE_NULL ? p.getText() : null;
                    case "shape_type" -> shapeType = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "group_id" -> groupId = value.isScalarValue() && value != JsonToken.VALUE_NULL
                            ? p.getText() : null;
                    case "description" -> description = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "flags" -> readFlags(p, value, pointer + "/flags", shapeFlags);
                    case "points" -> {
                        numbers.clear();
                        String bad = readPoints(p, value);
                        if (bad != null && defect == null) {
                            defect = bad;
                        }
                        points = Arrays.copyOf(numbers.values, numbers.size);
                    }
                    // NOTE: labelme 5.x stores a mask shape's pixels as a base64 PNG here; not decoded (the box
                    // comes from the two corner points), and not fetched.
                    case "mask" -> p.skipChildren();
                    default -> {
                        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                            extra.put(field, p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
            return new Shape(index, label, shapeType, points, groupId, Collections.unmodifiableMap(shapeFlags),
                    description, Collections.unmodifiableMap(extra), defect);
        }

        /** Reads {@code [[x, y], ...]} into {@link #numbers}; returns what is wrong, or null. */
        private String readPoints(JsonParser p, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            if (value != JsonToken.START_ARRAY) {
                String found = describe(value, p);
                p.skipChildren();
                return "points is " + found + "; expected [[x, y], ...]";
            }
            String bad = null;
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                if (t != JsonToken.START_ARRAY) {
                    bad = bad != null ? bad : "point " + i + " is " + describe(t, p) + "; expected [x, y]";
                    p.skipChildren();
                } else {
                    int count = 0;
                    boolean numeric = true;
                    JsonToken c;
                    while ((c = p.nextToken()) != JsonToken.END_ARRAY && c != null) {
                        if (c.isNumeric() && Double.isFinite(p.getDoubleValue())) {
                            if (count < 2) {
                                numbers.add(p.getDoubleValue());
                            }
                        } else {
                            numeric = false;
                            p.skipChildren();
                        }
                        count++;
                    }
                    if (!numeric || count < 2) {
                        // The whole shape is discarded below, so the numbers already added do not matter.
                        bad = bad != null ? bad : "point " + i + " is not two finite numbers; expected [x, y]";
                    }
                }
                i++;
            }
            if (bad != null) {
                numbers.clear();
            }
            return bad;
        }
    }

    static String location(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** A short description of a JSON value for messages: {@code "abc"}, {@code 12}, an object, ... */
    static String describe(JsonToken t, JsonParser p) throws IOException {
        if (t == null) {
            return "the end of the file";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "\"" + abbreviate(p.getText()) + "\"";
            case VALUE_NULL -> "null";
            default -> t.isScalarValue() ? abbreviate(p.getText()) : t.toString().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** A growable array of doubles, reused for every shape of a file. */
    private static final class DoubleBuffer {
        double[] values = new double[64];
        int size;

        void clear() {
            size = 0;
        }

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
