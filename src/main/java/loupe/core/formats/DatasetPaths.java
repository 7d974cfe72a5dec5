package loupe.core.formats;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

/** Helpers for relative dataset paths ('/' separators, no leading '/', no '..'). */
public final class DatasetPaths {

    private static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp");

    private DatasetPaths() {
    }

    /** The report {@code loupe convert} writes into its output; never an annotation file. */
    public static final String CONVERSION_REPORT = "loupe-conversion.json";

    /** True for files Loupe itself writes into its outputs, which formats must not take for annotations. */
    public static boolean isLoupeReport(String path) {
        return fileName(path).equals(CONVERSION_REPORT);
    }

    /** True when the file name has an image extension Loupe reads. */
    public static boolean isImage(String path) {
        return isImageExtension(extension(path));
    }

    /** True for the lower-case extension (without the dot) of an image format Loupe reads. */
    public static boolean isImageExtension(String extension) {
        return IMAGE_EXTENSIONS.contains(extension);
    }

    /** The lower-case extension without the dot, or "" when there is none. */
    public static String extension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash + 1 ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    /** The path without its extension ("images/a.b.jpg" to "images/a.b"). */
    public static String stripExtension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash + 1 ? path.substring(0, dot) : path;
    }

    /** The last path element. */
    public static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The folder part ("" for a file at the root). */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /**
     * Resolves {@code name} (which may use '\' or '/', and contain '.' or '..') against the relative folder
     * {@code base}, and normalises it. Returns null when the result escapes the dataset root or is absolute.
     */
    public static String resolve(String base, String name) {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || (n.length() > 1 && n.charAt(1) == ':')) {
            return null;
        }
        String joined = base.isEmpty() ? n : base + "/" + n;
        Deque<String> parts = new ArrayDeque<>();
        for (String part : joined.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }
}
