package loupe.core.formats;

import java.util.List;

/**
 * A piece of annotation parsing that can be cached: everything it emits depends only on {@code files}.
 * On a re-index the unit is parsed again only when one of its files changed size or mtime, appeared or
 * disappeared.
 *
 * @param key   a unique name, usually the annotation file's relative path
 * @param files the relative paths the result depends on (an annotation file, and for YOLO its image, whose
 *              size the normalised boxes are converted with)
 */
public record Unit(String key, List<String> files) {

    public Unit {
        files = List.copyOf(files);
    }

    public static Unit of(String file) {
        return new Unit(file, List.of(file));
    }
}
