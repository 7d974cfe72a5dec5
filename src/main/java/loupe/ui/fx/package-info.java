/**
 * JavaFX plumbing shared by every screen: {@link loupe.ui.fx.FxJobs} (the one place where a core
 * {@link loupe.core.task.Job} becomes a JavaFX {@code Task}), {@link loupe.ui.fx.JobRunner} (how view models start
 * jobs without knowing about threads), {@link loupe.ui.fx.Styles} and {@link loupe.ui.fx.Theme} (CSS class names and
 * the light/dark stylesheets), {@link loupe.ui.fx.ClassPalette} (a stable colour per class, for the gallery, the
 * viewer and charts), {@link loupe.ui.fx.Notifications} with {@link loupe.ui.fx.NotificationBanner} (errors as a
 * banner, never a modal dialog), {@link loupe.ui.fx.FxImages} and {@link loupe.ui.fx.Snapshots}.
 */
package loupe.ui.fx;
