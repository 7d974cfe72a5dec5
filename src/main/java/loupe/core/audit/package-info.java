/**
 * Content checks that need the image bytes, not just headers: a fast content hash for exact duplicates
 * ({@link loupe.core.audit.ContentHash}), a perceptual hash for near duplicates ({@link loupe.core.audit.DHash}),
 * the search for close perceptual hashes ({@link loupe.core.audit.NearDuplicates}) and a full decode that
 * finds damage headers do not show ({@link loupe.core.audit.FullDecode}). Plain algorithms over files and
 * numbers; the indexer runs them and keeps their results in the catalog.
 */
package loupe.core.audit;
