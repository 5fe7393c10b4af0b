package dev.trainingplanner.api.planning;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every minute, queues again any unfinished run that has no db-scheduler execution (a replica that died between
 * storing a run and queueing it), so that no solve is silently dropped.
 */
@Configuration(proxyBeanMethods = false)
class PlanWatchdog {

    private static final Logger log = LoggerFactory.getLogger(PlanWatchdog.class);

    @Bean
    RecurringTask<Void> planWatchdogTask(JdbcTemplate jdbc, PlanRuns runs) {
        return Tasks.recurring("plan-watchdog", Schedules.fixedDelay(Duration.ofMinutes(1)))
                .execute((instance, context) -> {
                    List<UUID> orphans = jdbc.queryForList(
                            """
                            select r.id from plan_run r
                            where r.status in ('QUEUED', 'SOLVING') and r.created_at < now() - interval '1 minute'
                              and not exists (select 1 from scheduled_tasks t
                                              where t.task_name = 'solve-plan' and t.task_instance = r.id::text)""",
                            UUID.class);
                    orphans.forEach(runs::enqueue);
                    if (!orphans.isEmpty()) {
                        log.warn(
                                "Queued {} unfinished plans again that had no scheduled solve: {}",
                                orphans.size(),
                                orphans);
                    }
                });
    }
}
