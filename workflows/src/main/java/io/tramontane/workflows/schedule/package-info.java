/**
 * Timer schedules of deployed workflows ({@code schedule.every}, {@code cron}, {@code after}).
 *
 * <p>{@link io.tramontane.workflows.schedule.ScheduleEntity} is the one schedule of a workflow in
 * the cluster: it persists each tick before it starts the tick's run (named after the tick, so a
 * re-issued start is the same run), and handles ticks missed during downtime by {@link
 * io.tramontane.workflows.schedule.ScheduleSettings.Missed}. {@code Ticks} is the tick arithmetic;
 * {@link io.tramontane.workflows.schedule.Runs} is the port to the runs ({@code node.Schedules}
 * implements it over the sharded run entities and keeps schedules in step with deploys).
 */
package io.tramontane.workflows.schedule;
