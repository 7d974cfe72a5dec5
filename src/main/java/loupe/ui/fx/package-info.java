/**
 * JavaFX plumbing shared by every screen: {@link loupe.ui.fx.FxJobs} (the one place where a core
 * {@link loupe.core.task.Job} becomes a JavaFX {@code Task}), {@link loupe.ui.fx.JobRunner} (how view models start
 * jobs without knowing about threads), {@link loupe.ui.fx.Styles} (CSS class names and the stylesheet) and
 * {@link loupe.ui.fx.Snapshots} (scene captures written as PNG).
 */
package loupe.ui.fx;
