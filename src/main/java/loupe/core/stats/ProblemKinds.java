package loupe.core.stats;

import java.util.Map;

/** Plain-words explanations of the problem kinds, for reports and listings. */
public final class ProblemKinds {

    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("CORRUPT_IMAGE", "the file cannot be read as an image (header check; full decode with --deep)"),
            Map.entry("MISSING_IMAGE", "an annotation file lists an image whose file does not exist"),
            Map.entry("IMAGE_WITHOUT_ANNOTATIONS", "an image with no annotation (fine for negatives, else a gap)"),
            Map.entry("UNKNOWN_CLASS", "an annotation uses a class id the dataset does not define"),
            Map.entry("BOX_OUT_OF_BOUNDS", "a box lies partly or wholly outside its image"),
            Map.entry("INVALID_BOX", "a box of zero or negative width or height"),
            Map.entry("PATH_ESCAPES_ROOT", "a path points outside the dataset folder ('../')"),
            Map.entry("SYMLINK_LOOP", "a symbolic link loop in the dataset folder"),
            Map.entry("PERMISSION_DENIED", "a file or folder that cannot be read"),
            Map.entry("FILE_VANISHED", "a file disappeared while indexing"),
            Map.entry("MALFORMED_ANNOTATION", "an annotation file or record that cannot be parsed"),
            Map.entry("ORPHAN_ANNOTATION", "an annotation file that matches no image"),
            Map.entry("UNREADABLE_NAME", "a file name that is not valid in the platform encoding"),
            Map.entry("EXIF_ORIENTATION", "the image has an EXIF orientation: viewers turn it, the boxes may be"
                    + " in the other frame"),
            Map.entry("IMAGE_TOO_LARGE", "more pixels than the budget (--max-pixels): loaders may refuse it"),
            Map.entry("DUPLICATE_IMAGE", "byte-identical to another image (--hashes)"),
            Map.entry("NEAR_DUPLICATE", "looks nearly the same as another image (dHash, --hashes)"),
            Map.entry("SPLIT_LEAKAGE", "the same or a near-same image is in two splits: evaluation leaks into"
                    + " training (--hashes)"),
            Map.entry("IMAGE_NOT_IN_ANNOTATIONS", "an image file under the dataset folder that no annotation file"
                    + " lists"),
            Map.entry("OTHER", "anything else the reader reported"));

    private ProblemKinds() {
    }

    /** What a problem kind means, in a few words; empty for a kind this class does not know. */
    public static String meaning(String kind) {
        return MEANING.getOrDefault(kind, "");
    }

    /** A name for an EXIF orientation value (0: no orientation tag). */
    public static String orientation(int value) {
        return switch (value) {
            case 0 -> "no tag";
            case 1 -> "normal";
            case 2 -> "mirrored left-right";
            case 3 -> "rotated 180°";
            case 4 -> "mirrored top-bottom";
            case 5 -> "transposed";
            case 6 -> "rotated 90° clockwise";
            case 7 -> "transversed";
            case 8 -> "rotated 90° counter-clockwise";
            default -> "invalid (" + value + ")";
        };
    }
}
