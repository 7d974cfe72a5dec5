package loupe.core.formats;

/** What a conversion or export does with image files. */
public enum ImageMode {
    /** Copy each image (safe everywhere; costs the space). */
    COPY,
    /** Hard-link each image (same file system only; falls back to a copy, and says so). */
    LINK,
    /** Symbolic link to the source image (absolute target). */
    SYMLINK,
    /** Write annotations only; image paths in the output refer to where the images would be. */
    NONE
}
