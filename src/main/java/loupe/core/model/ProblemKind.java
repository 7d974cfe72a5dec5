package loupe.core.model;

/** What kind of trouble a {@link Problem} reports. Each kind has a default severity. */
public enum ProblemKind {
    CORRUPT_IMAGE(Severity.ERROR),
    MISSING_IMAGE(Severity.ERROR),
    IMAGE_WITHOUT_ANNOTATIONS(Severity.INFO),
    UNKNOWN_CLASS(Severity.ERROR),
    BOX_OUT_OF_BOUNDS(Severity.WARNING),
    INVALID_BOX(Severity.ERROR),
    PATH_ESCAPES_ROOT(Severity.ERROR),
    SYMLINK_LOOP(Severity.ERROR),
    PERMISSION_DENIED(Severity.ERROR),
    FILE_VANISHED(Severity.WARNING),
    /** An annotation file or record that cannot be parsed (malformed JSON/XML/YAML, a bad line). */
    MALFORMED_ANNOTATION(Severity.ERROR),
    /** An annotation file that matches no image. */
    ORPHAN_ANNOTATION(Severity.WARNING),
    /** A file name that is not valid in the platform encoding. */
    UNREADABLE_NAME(Severity.WARNING),
    /** An image whose EXIF (or TIFF) orientation is not 1: viewers turn it, so boxes may be in the other frame. */
    EXIF_ORIENTATION(Severity.WARNING),
    /** An image with more pixels than the configured budget (decompression-bomb limits refuse it). */
    IMAGE_TOO_LARGE(Severity.WARNING),
    /** An image file with exactly the same bytes as another one (content hash). */
    DUPLICATE_IMAGE(Severity.WARNING),
    /** An image that looks nearly the same as another one (perceptual hash within a distance). */
    NEAR_DUPLICATE(Severity.INFO),
    /** The same or a nearly identical image in two different splits: evaluation leaks into training. */
    SPLIT_LEAKAGE(Severity.ERROR),
    /** An image file under the dataset root that no annotation file lists. */
    IMAGE_NOT_IN_ANNOTATIONS(Severity.INFO),
    /** Anything a format wants to say that has no kind of its own. */
    OTHER(Severity.WARNING);

    private final Severity defaultSeverity;

    ProblemKind(Severity defaultSeverity) {
        this.defaultSeverity = defaultSeverity;
    }

    public Severity defaultSeverity() {
        return defaultSeverity;
    }
}
