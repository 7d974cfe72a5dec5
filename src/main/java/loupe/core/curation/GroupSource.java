package loupe.core.curation;

import java.io.IOException;
import java.util.List;

/**
 * Gives selected images a group key; images with equal keys (under one rule) stay in the same split. A
 * source that needs data the catalog does not have (a hash table another index step creates) says so with
 * {@link Context#note} and returns false: the rule is then skipped, never an error.
 */
@FunctionalInterface
public interface GroupSource {

    /** Receives (image path, group key); images without a key are in no group under this rule. */
    @FunctionalInterface
    interface KeySink {
        void accept(String path, String key) throws IOException;
    }

    /** Receives one path. */
    @FunctionalInterface
    interface PathConsumer {
        void accept(String path) throws IOException;
    }

    /** What a source may read: the selected images and the catalog's tables. */
    interface Context {
        /** Visits the paths of the images selected so far. */
        void forEachSelectedPath(PathConsumer consumer) throws IOException;

        /** Runs a query returning (path, key) rows and feeds them to the sink. */
        void forEachKey(String sql, KeySink sink) throws IOException;

        /** The column names of a catalog table, or an empty list when there is no such table. */
        List<String> columns(String table) throws IOException;

        /** A remark for the preview (why a rule was skipped). */
        void note(String note);
    }

    /** Feeds group keys to the sink; false when the rule could not be applied (and a note says why). */
    boolean keys(Recipe.GroupRule rule, Context context, KeySink sink) throws IOException;
}
