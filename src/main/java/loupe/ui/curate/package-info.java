/**
 * The Curate view: {@link loupe.ui.curate.CurateView} edits a {@link loupe.core.curation.Recipe} through
 * {@link loupe.ui.curate.CurateViewModel}, which re-evaluates it on a background thread (debounced, stale results
 * dropped) and shows the class distribution per split before and after. The export dialogs
 * ({@link loupe.ui.curate.ExportDialogs}) run subset, chip, manifest and shard exports as cancellable background
 * jobs through their view models ({@link loupe.ui.curate.ExportViewModel} and its subclasses).
 */
package loupe.ui.curate;
