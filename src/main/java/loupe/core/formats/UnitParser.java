package loupe.core.formats;

import java.io.IOException;

/**
 * Parses one {@link Unit}. Called concurrently for different units. An IOException (or any runtime
 * exception) is recorded as a problem on the unit's key by the caller; prefer emitting problems yourself
 * and carrying on.
 */
@FunctionalInterface
public interface UnitParser {

    void parse(Unit unit, DatasetSink sink) throws IOException;
}
