package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A byte-level outline of a JSON file whose root is an object: where each top-level field's value starts and
 * ends, and for one chosen array field, its elements cut into runs of whole elements of about
 * {@code chunkBytes} each. It follows only strings and brackets (no numbers, no tokens), several times faster
 * than a full parse, so one thread can outline a file whose big array several threads then parse in
 * parallel (see {@link CocoReader}).
 *
 * <p>{@link #scan} returns null for anything it does not follow (a root that is not an object, unbalanced
 * brackets, an unterminated string, an empty element, a field named twice, nesting deeper than 255): the
 * caller then parses the file the ordinary way, which reports the error with its location. A null is not a
 * verdict that the file is malformed, and a non-null outline is not one that it is valid: tokens are checked
 * by the parser that reads the ranges.
 */
final class JsonOutline {

    /** A top-level field: its value's bytes are {@code [start, end)}, which hold {@code newlines} line breaks. */
    record Field(String name, long start, long end, long newlines) {
    }

    /**
     * A run of whole elements of the chosen array: bytes {@code [start, end)} hold elements
     * {@code firstIndex .. firstIndex + count - 1} and the separators between them.
     */
    record Chunk(long start, long end, int firstIndex, int count) {
    }

    private static final int BUFFER = 1 << 20;
    private static final int MAX_DEPTH = 255;
    private static final int MAX_KEY = 1024;

    // Byte classes outside strings.
    private static final byte OTHER = 0, SPACE = 1, NEWLINE = 2, STRUCTURE = 3;
    private static final byte[] CLASS = new byte[256];

    static {
        CLASS[' '] = SPACE;
        CLASS['\t'] = SPACE;
        CLASS['\r'] = SPACE;
        CLASS['\n'] = NEWLINE;
        for (char c : "\"{}[],:".toCharArray()) {
            CLASS[c] = STRUCTURE;
        }
    }

    private final List<Field> fields;
    private final List<Chunk> chunks;
    private final int elements;

    private JsonOutline(List<Field> fields, List<Chunk> chunks, int elements) {
        this.fields = fields;
        this.chunks = chunks;
        this.elements = elements;
    }

    /** The top-level fields in file order. */
    List<Field> fields() {
        return fields;
    }

    /** The chosen array's elements in order, cut into runs; empty when the field is absent or not an array. */
    List<Chunk> chunks() {
        return chunks;
    }

    /** How many elements the chosen array has (0 when it is absent or not an array). */
    int elements() {
        return elements;
    }

    /** The chosen field, or null when the root has no field of that name. */
    Field field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Outlines {@code file}; null when it does not follow the file (see the class comment).
     *
     * @param arrayField the top-level field whose array elements are cut into chunks
     * @param chunkBytes the size a chunk grows to before it is closed (a chunk always ends on an element)
     * @param cancel     called every few MB, to throw when the work is cancelled
     */
    static JsonOutline scan(Path file, String arrayField, int chunkBytes, Runnable cancel) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Scanner(arrayField.getBytes(StandardCharsets.UTF_8), chunkBytes).run(channel, cancel);
        }
    }

    /**
     * The file as if {@code field}'s value were an empty array ({@code [} and {@code ]} around the value's line
     * breaks, so line numbers after it stay right): a parser reads everything else without the cost of the
     * big array.
     */
    static InputStream openWithoutValue(Path file, Field field) throws IOException {
        InputStream head = new BoundedInputStream(Files.newInputStream(file), field.start());
        InputStream tail = Files.newInputStream(file);
        try {
            tail.skipNBytes(field.end());
        } catch (IOException | RuntimeException e) {
            head.close();
            tail.close();
            throw e;
        }
        return new SequenceInputStream(Collections.enumeration(
                List.of(head, new EmptyArrayInputStream(field.newlines()), tail)));
    }

    /** The line and column (1-based, as the JSON parser reports them) of a byte offset of the file. */
    static long[] lineAndColumn(Path file, long offset) throws IOException {
        long line = 1, lineStart = 0, pos = 0;
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (pos < offset) {
                buffer.clear();
                int n = channel.read(buffer, pos);
                if (n <= 0) {
                    break;
                }
                byte[] b = buffer.array();
                int limit = (int) Math.min(n, offset - pos);
                for (int i = 0; i < limit; i++) {
                    if (b[i] == '\n') {
                        line++;
                        lineStart = pos + i + 1;
                    }
                }
                pos += n;
            }
        }
        return new long[] {line, offset - lineStart + 1};
    }

    /** The state machine; one per scan. */
    private static final class Scanner {
        private final byte[] target;
        private final int chunkBytes;

        private final List<Field> fields = new ArrayList<>();
        private final List<Chunk> chunks = new ArrayList<>();
        private final byte[] stack = new byte[MAX_DEPTH + 1];
        private int depth;
        private boolean inString, escaped;
        private long newlines;
        /** End (exclusive) of the last byte that was not white space. */
        private long lastEnd;
        private long newlinesAtLastEnd;

        // Root object state.
        private boolean expectKey, collectingKey, rootClosed;
        private final byte[] key = new byte[MAX_KEY];
        private int keyLength;
        private String fieldName;
        private long valueStart = -1, valueNewlines;

        // The chosen array.
        private boolean inTarget;
        private long elementStart = -1;
        private long chunkStart = -1;
        private int chunkFirst, chunkCount, elementCount;

        Scanner(byte[] target, int chunkBytes) {
            this.target = target;
            this.chunkBytes = chunkBytes;
        }

        JsonOutline run(FileChannel channel, Runnable cancel) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            byte[] b = buffer.array();
            long base = 0;
            int blocks = 0;
            while (true) {
                buffer.clear();
                int n = channel.read(buffer, base);
                if (n <= 0) {
                    break;
                }
                if (!block(b, n, base)) {
                    return null;
                }
                base += n;
                if ((++blocks & 7) == 0) {
                    cancel.run();
                }
            }
            return rootClosed && !inString ? new JsonOutline(List.copyOf(fields), List.copyOf(chunks), elementCount)
                    : null;
        }

        /** Scans one block; false when the outline cannot be followed. */
        private boolean block(byte[] b, int n, long base) {
            int i = 0;
            while (i < n) {
                if (inString) {
                    // The tight loop: most bytes of a string are neither a quote nor a backslash.
                    while (i < n) {
                        byte c = b[i];
                        if (escaped) {
                            escaped = false;
                        } else if (c == '\\') {
                            escaped = true;
                        } else if (c == '"') {
                            break;
                        } else if (c == '\n') {
                            newlines++;
                        }
                        if (collectingKey) {
                            if (keyLength == MAX_KEY) {
                                return false;
                            }
                            key[keyLength++] = c;
                        }
                        i++;
                    }
                    if (i == n) {
                        return true;
                    }
                    inString = false;
                    lastEnd = base + i + 1;
                    newlinesAtLastEnd = newlines;
                    if (collectingKey) {
                        collectingKey = false;
                        fieldName = new String(key, 0, keyLength, StandardCharsets.UTF_8);
                        for (Field f : fields) {
                            if (f.name().equals(fieldName)) {
                                return false; // a field named twice: the ordinary parse decides
                            }
                        }
                    }
                    i++;
                    continue;
                }
                byte c = b[i];
                byte kind = CLASS[c & 0xFF];
                long pos = base + i;
                if (kind == SPACE) {
                    i++;
                    continue;
                }
                if (kind == NEWLINE) {
                    newlines++;
                    i++;
                    continue;
                }
                if (rootClosed) {
                    return false; // something after the root object
                }
                if (kind == OTHER) {
                    if (depth == 0) {
                        return false;
                    }
                    startValue(pos);
                    lastEnd = pos + 1;
                    newlinesAtLastEnd = newlines;
                    i++;
                    // The rest of a number or literal: no structure in it.
                    while (i < n && CLASS[b[i] & 0xFF] == OTHER) {
                        i++;
                    }
                    lastEnd = base + i;
                    newlinesAtLastEnd = newlines;
                    continue;
                }
                switch (c) {
                    case '"' -> {
                        if (depth == 0) {
                            return false;
                        }
                        if (depth == 1 && expectKey) {
                            collectingKey = true;
                            keyLength = 0;
                        } else {
                            startValue(pos);
                        }
                        inString = true;
                    }
                    case '{', '[' -> {
                        if (depth == 0) {
                            if (c != '{' || !fields.isEmpty() || fieldName != null) {
                                return false;
                            }
                            expectKey = true;
                        } else {
                            startValue(pos);
                        }
                        if (depth == MAX_DEPTH) {
                            return false;
                        }
                        stack[depth++] = c;
                        if (depth == 2 && c == '[' && isTarget()) {
                            inTarget = true;
                        }
                        lastEnd = pos + 1;
                        newlinesAtLastEnd = newlines;
                    }
                    case '}', ']' -> {
                        if (depth == 0 || stack[depth - 1] != (c == '}' ? '{' : '[')) {
                            return false;
                        }
                        if (depth == 2 && inTarget) {
                            if (!endElement(true)) {
                                return false;
                            }
                            inTarget = false;
                        }
                        if (depth == 1) {
                            if (fieldName != null && !endField()) {
                                return false;
                            }
                            rootClosed = true;
                        }
                        depth--;
                        lastEnd = pos + 1;
                        newlinesAtLastEnd = newlines;
                    }
                    case ',' -> {
                        if (depth == 1) {
                            if (fieldName == null || !endField()) {
                                return false;
                            }
                            expectKey = true;
                        } else if (depth == 2 && inTarget && !endElement(false)) {
                            return false;
                        }
                    }
                    case ':' -> {
                        if (depth == 1) {
                            if (!expectKey || fieldName == null) {
                                return false;
                            }
                            expectKey = false;
                            valueStart = -1;
                        }
                    }
                    default -> throw new AssertionError(c);
                }
                i++;
            }
            return true;
        }

        private boolean isTarget() {
            return fieldName != null && fieldName.length() == target.length
                    && java.util.Arrays.equals(fieldName.getBytes(StandardCharsets.UTF_8), target);
        }

        /** A value begins at pos: the field's value at depth 1, an element of the chosen array at depth 2. */
        private void startValue(long pos) {
            if (depth == 1 && valueStart < 0 && !expectKey) {
                valueStart = pos;
                valueNewlines = newlines;
            } else if (depth == 2 && inTarget && elementStart < 0) {
                elementStart = pos;
                if (chunkStart < 0) {
                    chunkStart = pos;
                    chunkFirst = elementCount;
                    chunkCount = 0;
                }
            }
        }

        private boolean endField() {
            if (valueStart < 0) {
                return false;
            }
            fields.add(new Field(fieldName, valueStart, lastEnd, newlinesAtLastEnd - valueNewlines));
            fieldName = null;
            valueStart = -1;
            return true;
        }

        /** An element of the chosen array ends (at a comma, or at the closing bracket when {@code last}). */
        private boolean endElement(boolean last) {
            if (elementStart < 0) {
                // "[]" is fine; "[1,]" and "[,1]" are not (the parser will say where).
                return last && elementCount == 0 && chunkStart < 0;
            }
            elementStart = -1;
            elementCount++;
            chunkCount++;
            if (last || lastEnd - chunkStart >= chunkBytes) {
                chunks.add(new Chunk(chunkStart, lastEnd, chunkFirst, chunkCount));
                chunkStart = -1;
            }
            return true;
        }
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** {@code [}, then {@code newlines} line breaks, then {@code ]}. */
    private static final class EmptyArrayInputStream extends InputStream {
        private final long length;
        private long pos;

        EmptyArrayInputStream(long newlines) {
            this.length = newlines + 2;
        }

        private byte at(long i) {
            return i == 0 ? (byte) '[' : i == length - 1 ? (byte) ']' : (byte) '\n';
        }

        @Override
        public int read() {
            return pos < length ? at(pos++) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = at(pos++);
            }
            return n;
        }
    }
}
