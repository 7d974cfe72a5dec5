/** Plain-Java long-running work: {@link loupe.core.task.Job} and {@link loupe.core.task.Progress}. */
package loupe.core.task;
