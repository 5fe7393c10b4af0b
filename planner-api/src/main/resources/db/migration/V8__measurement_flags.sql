-- The flags a job's measurements raise (slower than its plan, memory near capacity), as a JSON list kept on the job.
-- Comparing the flags of an evaluation with those stored under the job's row lock is what makes each newly raised
-- flag reach the webhook once, however many uploads and replicas evaluate it.
alter table training_job add column measurement_flags text;
