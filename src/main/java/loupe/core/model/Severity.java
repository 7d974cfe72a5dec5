package loupe.core.model;

/** How bad a {@link Problem} is. */
public enum Severity {
    /** Worth knowing, nothing is wrong (an image without annotations). */
    INFO,
    /** Probably a mistake in the data (a box outside the image). */
    WARNING,
    /** Data that cannot be used as it is (a corrupt image, a missing file). */
    ERROR
}
