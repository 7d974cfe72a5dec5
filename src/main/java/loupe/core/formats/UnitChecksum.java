package loupe.core.formats;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The checksum readers append to a unit's key ({@code path#checksum}) for what a unit's output depends on
 * besides its files: the class list, the split, which images an annotation's file name can resolve to. When any
 * of it changes, the key changes and the cached unit is parsed again. CRC32 written as 8 lower-case hex digits;
 * not thread-safe (one instance per key).
 */
final class UnitChecksum {

    private final CRC32 crc = new CRC32();

    /** The checksum of {@code text} alone. */
    static String of(String text) {
        return new UnitChecksum().add(text).hex();
    }

    /** Adds {@code text} (UTF-8), with no separator: callers put their own {@code \0} between fields. */
    UnitChecksum add(String text) {
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /**
     * Adds the path of every image file under {@code folder} in the listing, each followed by a zero byte:
     * which file a written image name resolves to depends on the images present, which a unit's files cannot
     * express.
     */
    UnitChecksum addImagesUnder(FileListing files, String folder) {
        for (String p : files.under(folder)) {
            if (DatasetPaths.isImage(p)) {
                crc.update(p.getBytes(StandardCharsets.UTF_8));
                crc.update(0);
            }
        }
        return this;
    }

    /** The checksum of everything added so far, as 8 lower-case hex digits. */
    String hex() {
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
}
