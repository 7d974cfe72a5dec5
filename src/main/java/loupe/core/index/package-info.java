/**
 * The indexer and its catalog: a parallel, incremental, cancellable scan of a dataset folder into an
 * embedded DuckDB database that lives outside the dataset.
 */
package loupe.core.index;
