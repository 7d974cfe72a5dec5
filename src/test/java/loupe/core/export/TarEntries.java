package loupe.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict tar reader for tests, written from the POSIX spec independently of {@link TarWriter}: it checks every
 * header's magic and checksum, applies PAX {@code path}/{@code size} records, and requires the two end blocks.
 */
final class TarEntries {

    record Entry(String name, byte[] data, long mtime) {

        /** WebDataset's split: the key is the name up to the first dot of its last component. */
        String key() {
            int slash = name.lastIndexOf('/');
            int dot = name.indexOf('.', slash + 1);
            return name.substring(0, dot);
        }

        String extension() {
            int slash = name.lastIndexOf('/');
            return name.substring(name.indexOf('.', slash + 1) + 1);
        }
    }

    private TarEntries() {
    }

    static List<Entry> read(Path file) throws IOException {
        byte[] tar = Files.readAllBytes(file);
        assertEquals(0, tar.length % 512, file + " is not whole blocks");
        List<Entry> entries = new ArrayList<>();
        Map<String, String> pax = new LinkedHashMap<>();
        int at = 0;
        while (true) {
            assertTrue(at + 1024 <= tar.length, "archive ends without its two zero blocks");
            byte[] h = Arrays.copyOfRange(tar, at, at + 512);
            if (isZero(h)) {
                assertTrue(isZero(Arrays.copyOfRange(tar, at + 512, at + 1024)), "second end block not zero");
                for (int i = at + 1024; i < tar.length; i++) {
                    assertEquals(0, tar[i], "padding after the end blocks must be zeros");
                }
                return entries;
            }
            assertEquals("ustar\0", new String(h, 257, 6, StandardCharsets.US_ASCII), "magic");
            assertEquals("00", new String(h, 263, 2, StandardCharsets.US_ASCII), "version");
            long stored = octal(h, 148, 8);
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
            }
            assertEquals(sum, stored, "header checksum");
            String name = cString(h, 0, 100);
            long size = octal(h, 124, 12);
            long mtime = octal(h, 136, 12);
            char type = (char) h[156];
            at += 512;
            if (type == 'x') {
                String records = new String(tar, at, (int) size, StandardCharsets.UTF_8);
                parsePax(records, pax);
                at += padded(size);
                continue;
            }
            assertEquals('0', type, "only regular files expected");
            if (pax.containsKey("path")) {
                name = pax.get("path");
            }
            if (pax.containsKey("size")) {
                size = Long.parseLong(pax.get("size"));
            }
            pax.clear();
            entries.add(new Entry(name, Arrays.copyOfRange(tar, at, at + (int) size), mtime));
            at += padded(size);
        }
    }

    private static void parsePax(String records, Map<String, String> pax) {
        int i = 0;
        byte[] bytes = records.getBytes(StandardCharsets.UTF_8);
        while (i < bytes.length) {
            int space = i;
            while (bytes[space] != ' ') {
                space++;
            }
            int length = Integer.parseInt(new String(bytes, i, space - i, StandardCharsets.US_ASCII));
            String record = new String(bytes, space + 1, length - (space - i) - 2, StandardCharsets.UTF_8);
            assertEquals('\n', bytes[i + length - 1], "a PAX record ends with a newline where its length says");
            int eq = record.indexOf('=');
            pax.put(record.substring(0, eq), record.substring(eq + 1));
            i += length;
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int offset, int length) {
        String s = cString(h, offset, length).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static long padded(long size) {
        return (size + 511) / 512 * 512;
    }

    /** Lists the archive with the system's tar, or returns null when there is none. */
    static List<String> systemTarList(Path file) throws IOException, InterruptedException {
        for (String tar : List.of("/usr/bin/tar", "/bin/tar")) {
            if (Files.isExecutable(Path.of(tar))) {
                Process p = new ProcessBuilder(tar, "-tf", file.toString()).redirectErrorStream(false).start();
                byte[] out = p.getInputStream().readAllBytes();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.waitFor(), "tar -tf failed: " + err);
                assertEquals("", err, "tar -tf warned");
                String text = new String(out, StandardCharsets.UTF_8);
                return text.isEmpty() ? List.of() : List.of(text.split("\n"));
            }
        }
        return null;
    }
}
