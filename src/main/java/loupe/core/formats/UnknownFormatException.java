package loupe.core.formats;

import java.io.IOException;

/** No format recognises a folder, or a format id is unknown. */
public class UnknownFormatException extends IOException {

    public UnknownFormatException(String message) {
        super(message);
    }
}
