package dev.trainingplanner.api.planning;

import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The db-scheduler task that runs one solve; its instance id is the plan id. db-scheduler's thread count bounds how many
 * solves run at once on a replica (the rest wait in {@code scheduled_tasks}); heartbeats mark the execution alive, and
 * a dead one (replica killed) is revived on another replica, which resumes the solve.
 */
@Configuration(proxyBeanMethods = false)
class SolvePlanTask {

    static final TaskDescriptor<Void> TASK = TaskDescriptor.of("solve-plan");

    @Bean
    OneTimeTask<Void> solvePlan(PlanExecution execution) {
        return Tasks.oneTime(TASK)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(Duration.ofSeconds(5)))
                .onDeadExecutionRevive()
                .execute((TaskInstance<Void> instance, ExecutionContext context) ->
                        execution.run(UUID.fromString(instance.getId()), () -> context.getSchedulerState()
                                .isShuttingDown()));
    }
}
