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
