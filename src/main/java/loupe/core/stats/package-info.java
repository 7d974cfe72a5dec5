/** Statistics computed in the catalog: class counts per split, problems; imbalance metrics later. */
package loupe.core.stats;
