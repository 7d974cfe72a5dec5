package loupe.core.imaging;

import java.io.IOException;

/**
 * An image file whose header cannot be read, or that is damaged (truncated), with what was found and what
 * was expected. When the size was read before the damage was found, {@link #header()} keeps it, so boxes
 * can still be placed on the image while it is reported as corrupt.
 */
public class CorruptImageException extends IOException {

    private final transient ImageHeader header;

    public CorruptImageException(String message) {
        this(message, (ImageHeader) null);
    }

    public CorruptImageException(String message, Throwable cause) {
        super(message, cause);
        this.header = null;
    }

    public CorruptImageException(String message, ImageHeader header) {
        super(message);
        this.header = header;
    }

    /** The size read before the damage was found, or null when the header itself is unreadable. */
    public ImageHeader header() {
        return header;
    }
}
