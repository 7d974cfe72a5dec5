package loupe.core.formats;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small streaming CSV reader (RFC 4180 as spreadsheet tools write it), for the CSV formats
 * ({@link TfodCsvFormat}, {@link OpenImagesFormat}). Jackson's CSV module is not a dependency, and the
 * dialect these files use is simple: ',' separators, fields optionally in double quotes with {@code ""}
 * for a quote, separators and line breaks allowed inside quotes.
 *
 * <p>Lenient where tools differ: LF, CRLF and a lone CR all end a record; a UTF-8 byte order mark is dropped;
 * a last record without a line break is read; blank lines (nothing, or only spaces and tabs) are skipped; a
 * quote inside an unquoted field is kept as a character; text after a closing quote is appended to the field.
 * Bytes that are not UTF-8 become U+FFFD. Two things are errors, reported on the record ({@link Row#error()})
 * rather than thrown: a quote still open at the end of the file, and a record longer than
 * {@link #MAX_RECORD_CHARS} (a binary file, or a stray quote swallowing the rest of a big file); after
 * either, the reader ends. Not thread-safe: one parser per file.
 */
final class CsvRows implements Closeable {

    /** A record longer than this (16 Mi characters) ends the file with an error instead of filling memory. */
    static final int MAX_RECORD_CHARS = 16 * 1024 * 1024;

    /**
     * One record.
     *
     * @param line   the 1-based line on which the record starts (a quoted line break makes a record span lines)
     * @param fields the fields, unquoted; never null, may be incomplete when {@code error} is set
     * @param error  what is wrong with the record, or null
     */
    record Row(int line, List<String> fields, String error) {

        int size() {
            return fields.size();
        }

        /** The field at {@code index}, or null when the record is shorter. */
        String get(int index) {
            return index >= 0 && index < fields.size() ? fields.get(index) : null;
        }
    }

    private final Reader in;
    private int line = 1;
    private boolean started;
    /** Whether the last field of the last record was quoted ("" is a field, a line of spaces is not). */
    private boolean lastFieldQuoted;
    private boolean ended;
    private int pushedBack = -2;
    private final StringBuilder field = new StringBuilder();

    CsvRows(Reader in) {
        this.in = in;
    }

    /** Opens a UTF-8 CSV file. */
    static CsvRows open(Path file) throws IOException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new CsvRows(new BufferedReader(new InputStreamReader(Files.newInputStream(file), utf8), 1 << 16));
    }

    /** Parses CSV text (for probes that read the first bytes of a file, and for tests). */
    static CsvRows of(String text) {
        return new CsvRows(new StringReader(text));
    }

    /** The next record, or null at the end of the input. */
    Row next() throws IOException {
        if (ended) {
            return null;
        }
        if (!started) {
            started = true;
            int first = in.read();
            if (first != '\uFEFF') {
                unread(first);
            }
        }
        while (true) {
            int c = read();
            if (c < 0) {
                ended = true;
                return null;
            }
            if (c == '\r' || c == '\n') {
                endOfLine(c);
                continue;       // a blank line
            }
            unread(c);
            Row row = record();
            if (row.error() == null && row.size() == 1 && row.get(0).isBlank() && !lastFieldQuoted) {
                continue;       // a line of spaces is blank too
            }
            return row;
        }
    }

    private Row record() throws IOException {
        int start = line;
        List<String> fields = new ArrayList<>();
        field.setLength(0);
        int length = 0;
        boolean quoted = false;     // inside quotes now
        lastFieldQuoted = false;
        while (true) {
            int c = read();
            if (++length > MAX_RECORD_CHARS) {
                ended = true;
                fields.add(field.toString());
                return new Row(start, fields, "record longer than " + MAX_RECORD_CHARS
                        + " characters (an unclosed quote, or not a text file); the rest of the file is not read");
            }
            if (quoted) {
                if (c < 0) {
                    ended = true;
                    fields.add(field.toString());
                    return new Row(start, fields, "a quoted field opened on line " + start
                            + " is not closed before the end of the file");
                }
                if (c == '"') {
                    int d = read();
                    if (d == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        unread(d);
                    }
                } else {
                    field.append((char) c);
                    // a line break inside quotes is part of the field, and still a new physical line
                    if (c == '\n') {
                        line++;
                    } else if (c == '\r') {
                        int d = read();
                        if (d == '\n') {
                            field.append('\n');
                        } else {
                            unread(d);
                        }
                        line++;
                    }
                }
                continue;
            }
            if (c < 0 || c == '\r' || c == '\n') {
                fields.add(field.toString());
                if (c < 0) {
                    ended = true;
                } else {
                    endOfLine(c);
                }
                return new Row(start, fields, null);
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                lastFieldQuoted = false;
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
                lastFieldQuoted = true;
            } else {
                field.append((char) c);
            }
        }
    }

    private void endOfLine(int c) throws IOException {
        if (c == '\r') {
            int d = read();
            if (d != '\n') {
                unread(d);
            }
        }
        line++;
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pushedBack = c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
