package loupe.core.query;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;

/** Statements that return no rows, run through {@link Catalog#query}. */
final class Statements {

    private Statements() {
    }

    /**
     * Runs a statement such as {@code CREATE TEMP TABLE ... AS SELECT}. NOTE: Catalog offers only row-returning
     * queries; DuckDB's JDBC driver runs the statement and then complains that it returned no result set
     * ("executeQuery() can only be used with queries that return a ResultSet"). That complaint alone is
     * ignored; any other failure is thrown. A {@code Catalog.execute} would make this unnecessary.
     */
    static void execute(Catalog catalog, String sql, Object... parameters) throws CatalogException {
        try {
            catalog.query(sql, rs -> null, parameters);
        } catch (CatalogException e) {
            Throwable cause = e.getCause();
            if (cause == null || cause.getMessage() == null
                    || !cause.getMessage().contains("can only be used with queries that return a ResultSet")) {
                throw e;
            }
        }
    }
}
