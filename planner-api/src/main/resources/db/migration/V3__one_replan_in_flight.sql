-- At most one "re-plan now" solve of a job waits or runs at a time: concurrent requests join the one in flight, so the
-- job's revisions stay a chain (each revision's previous plan is the plan of the revision before it).
alter table plan_run add column replan_of_job uuid;
create unique index plan_run_one_replan_in_flight on plan_run (replan_of_job) where status in ('QUEUED', 'SOLVING');
