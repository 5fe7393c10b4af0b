-- Measured training steps of a job, as the profiler agent (watch mode) or a scheduler reports them. The key is the
-- job, the plan revision that ran (its number among the job's completed plans, in the order they finished) and the
-- step, so a resent sample is stored once. plan_id pins the revision to the plan whose prediction it measured, so
-- later comparisons against predictions never depend on recounting revisions.
create table job_measurement (
    id                         bigserial primary key,
    job_id                     uuid             not null references training_job (id) on delete cascade,
    plan_revision              int              not null check (plan_revision >= 1),
    plan_id                    uuid             not null,
    step                       bigint           not null check (step >= 0),
    iteration_seconds          double precision not null check (iteration_seconds > 0),
    tokens_per_second          double precision not null check (tokens_per_second > 0),
    -- {"rank": bytes, ...}; null when not reported.
    peak_memory_bytes_per_rank jsonb,
    -- {"phase": seconds, ...}; null when not reported.
    phase_seconds              jsonb,
    measured_at                timestamptz      not null,
    received_at                timestamptz      not null,
    constraint job_measurement_key unique (job_id, plan_revision, step)
);
create index job_measurement_plan_idx on job_measurement (plan_id);
