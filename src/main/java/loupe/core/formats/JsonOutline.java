package loupe.core.formats;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** A top-level field: its value's bytes are {@code [start, end)}. */
    record Field(String name, long start, long end) {
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
    private static final byte[] EMPTY_ARRAY = {'[', ']'};

    // Byte classes outside strings.
    private static final byte OTHER = 0, SPACE = 1, STRUCTURE = 2;
    private static final byte[] CLASS = new byte[256];

    static {
        CLASS[' '] = SPACE;
        CLASS['\t'] = SPACE;
        CLASS['\r'] = SPACE;
        CLASS['\n'] = SPACE;
        for (char c : "\"{}[],:".toCharArray()) {
            CLASS[c] = STRUCTURE;
        }
    }

    // Eight bytes at a time (SWAR): a byte of a long is zero in zeroBytes(x ^ pattern) where x has the pattern's byte.
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L, BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    // '[' and '{' (0x5B, 0x7B) both become 0x7B with bit 0x20 set; ']' and '}' both 0x7D.
    private static final long CASE_BIT = 0x2020202020202020L, OPENS = 0x7B7B7B7B7B7B7B7BL, CLOSES = 0x7D7D7D7D7D7D7D7DL;

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
     * The file as if {@code field}'s value were an empty array: a parser reads everything else without the cost
     * of the big array. {@link #originalOffset} maps its byte offsets back to the file's.
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
                List.of(head, new ByteArrayInputStream(EMPTY_ARRAY), tail)));
    }

    /** The file's byte offset of a byte offset in {@link #openWithoutValue}'s stream. */
    static long originalOffset(Field elided, long offset) {
        return offset < elided.start() + EMPTY_ARRAY.length ? offset
                : offset - elided.start() - EMPTY_ARRAY.length + elided.end();
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

    /** The lowest set bit marks the first zero byte of v (higher marks may be spurious; they are never used). */
    private static long zeroBytes(long v) {
        return (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
    }

    /** The index of the next quote or bracket from i, or n. */
    private static int skipToStringOrBracket(byte[] b, int i, int n) {
        while (i + 8 <= n) {
            long x = (long) LONGS.get(b, i);
            long y = x | CASE_BIT;
            long hit = zeroBytes(x ^ QUOTES) | zeroBytes(y ^ OPENS) | zeroBytes(y ^ CLOSES);
            if (hit != 0) {
                return i + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
            i += 8;
        }
        for (; i < n; i++) {
            byte c = b[i];
            if (c == '"' || c == '{' || c == '[' || c == '}' || c == ']') {
                return i;
            }
        }
        return n;
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
        /** End (exclusive) of the last byte that was not white space. */
        private long lastEnd;

        // Root object state.
        private boolean expectKey, collectingKey, rootClosed;
        private final byte[] key = new byte[MAX_KEY];
        private int keyLength;
        private String fieldName;
        private long valueStart = -1;

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
                    i = collectingKey ? keyString(b, i, n) : skipString(b, i, n);
                    if (i < 0) {
                        return false;
                    }
                    if (i == n) {
                        return true; // the string goes on in the next block
                    }
                    inString = false; // b[i] is the closing quote
                    lastEnd = base + i + 1;
                    if (collectingKey && !endKey()) {
                        return false;
                    }
                    i++;
                    continue;
                }
                if (depth >= 3 || (depth == 2 && !inTarget)) {
                    // Inside an element or a field's value: only strings and brackets matter.
                    i = skipToStringOrBracket(b, i, n);
                    if (i == n) {
                        return true;
                    }
                    byte c = b[i];
                    if (c == '"') {
                        inString = true;
                    } else if (c == '{' || c == '[') {
                        if (depth == MAX_DEPTH) {
                            return false;
                        }
                        stack[depth++] = c;
                    } else {
                        if (stack[depth - 1] != (c == '}' ? '{' : '[')) {
                            return false;
                        }
                        depth--;
                        lastEnd = base + i + 1;
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
                if (rootClosed) {
                    return false; // something after the root object
                }
                if (kind == OTHER) {
                    if (depth == 0) {
                        return false;
                    }
                    startValue(pos);
                    i++;
                    // The rest of a number or literal: no structure in it.
                    while (i < n && CLASS[b[i] & 0xFF] == OTHER) {
                        i++;
                    }
                    lastEnd = base + i;
                    continue;
                }
                switch (c) {
                    case '"' -> {
                        if (depth == 0) {
                            return false;
                        }
                        if (depth == 1 && expectKey) {
                            if (fieldName != null) {
                                return false; // two keys in a row
                            }
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
                        stack[depth++] = c;
                        if (depth == 2 && c == '[' && isTarget()) {
                            inTarget = true;
                        }
                        lastEnd = pos + 1;
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

        /** Collects a top-level key up to its closing quote; -1 when it is too long to be one. */
        private int keyString(byte[] b, int i, int n) {
            for (; i < n; i++) {
                byte c = b[i];
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    return i;
                }
                if (keyLength == MAX_KEY) {
                    return -1;
                }
                key[keyLength++] = c;
            }
            return n;
        }

        private boolean endKey() {
            collectingKey = false;
            fieldName = new String(key, 0, keyLength, StandardCharsets.UTF_8);
            for (Field f : fields) {
                if (f.name().equals(fieldName)) {
                    return false; // a field named twice: the ordinary parse decides
                }
            }
            return true;
        }

        /** Skips string content to its closing quote (returned), or to n when the string goes on. */
        private int skipString(byte[] b, int i, int n) {
            if (escaped) {
                if (i >= n) {
                    return n;
                }
                escaped = false;
                i++;
            }
            while (true) {
                // Eight bytes at a time: most string bytes are neither a quote nor a backslash.
                while (i + 8 <= n) {
                    long x = (long) LONGS.get(b, i);
                    long hit = zeroBytes(x ^ QUOTES) | zeroBytes(x ^ BACKSLASHES);
                    if (hit != 0) {
                        i += Long.numberOfTrailingZeros(hit) >>> 3;
                        break;
                    }
                    i += 8;
                }
                while (i < n && b[i] != '"' && b[i] != '\\') {
                    i++;
                }
                if (i >= n || b[i] == '"') {
                    return Math.min(i, n);
                }
                if (i + 1 >= n) {
                    escaped = true; // the escaped byte is in the next block
                    return n;
                }
                i += 2;
            }
        }

        private boolean isTarget() {
            return fieldName != null && fieldName.length() == target.length
                    && java.util.Arrays.equals(fieldName.getBytes(StandardCharsets.UTF_8), target);
        }

        /** A value begins at pos: the field's value at depth 1, an element of the chosen array at depth 2. */
        private void startValue(long pos) {
            if (depth == 1 && valueStart < 0 && !expectKey) {
                valueStart = pos;
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
            fields.add(new Field(fieldName, valueStart, lastEnd));
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
}
