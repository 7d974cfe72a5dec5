package loupe.core.index;

import java.io.IOException;

/** The catalog cannot be opened, read or written. Wraps the database's SQLException with what Loupe was doing. */
public class CatalogException extends IOException {

    public CatalogException(String message, Throwable cause) {
        super(message + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""), cause);
    }
}
