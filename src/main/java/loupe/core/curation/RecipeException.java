package loupe.core.curation;

import java.io.IOException;

/**
 * A recipe that cannot be used: malformed JSON, an unknown field, a value of the wrong type or out of range.
 * The message is one line that names the file (when there is one) and the field, e.g.
 * {@code r.json: unknown field 'filter.clases'}.
 */
public final class RecipeException extends IOException {

    private final String field;

    public RecipeException(String field, String message) {
        super(message);
        this.field = field;
    }

    public RecipeException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The dotted path of the offending field ({@code split.ratios}), or null when the whole file is at fault. */
    public String field() {
        return field;
    }
}
