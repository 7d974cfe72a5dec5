package loupe.core.imaging;

import java.io.IOException;

/** An image file whose header cannot be read, with what was found and what was expected. */
public class CorruptImageException extends IOException {

    public CorruptImageException(String message) {
        super(message);
    }

    public CorruptImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
