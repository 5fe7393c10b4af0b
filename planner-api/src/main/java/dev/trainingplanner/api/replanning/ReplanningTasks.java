package dev.trainingplanner.api.replanning;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.time.LocalDate;
import java.time.ZoneId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Recurring db-scheduler tasks: one row each in {@code scheduled_tasks}, so exactly one replica runs each firing, and
 * a firing whose replica dies is revived elsewhere. The cron is {@code planner.replanning.cron} (six fields, seconds
 * first) in {@code planner.replanning.zone}.
 */
@Configuration(proxyBeanMethods = false)
class ReplanningTasks {

    @Bean
    RecurringTask<Void> nightlyReplanTask(
            NightlyReplanning replanning,
            @Value("${planner.replanning.cron:0 0 2 * * *}") String cron,
            @Value("${planner.replanning.zone:UTC}") ZoneId zone) {
        return Tasks.recurring("nightly-replan", Schedules.cron(cron, zone))
                .execute((instance, context) -> replanning.fanOut(LocalDate.now(zone)));
    }

    @Bean
    RecurringTask<Void> retentionTask(
            Retention retention, @Value("${planner.retention.cron:0 30 3 * * *}") String cron) {
        return Tasks.recurring("retention", Schedules.cron(cron, ZoneId.of("UTC")))
                .execute((instance, context) -> retention.purge());
    }
}
