-- Bearer tokens: only the SHA-256 of each secret is stored.
create table api_token (
    id            bigserial primary key,
    name          text        not null,
    role          text        not null check (role in ('agent', 'scheduler', 'viewer', 'admin')),
    cluster_name  text,
    token_hash    text        not null unique,
    created_at    timestamptz not null,
    revoked_at    timestamptz
);

create table cluster (
    id          bigserial primary key,
    name        text        not null unique,
    description text,
    created_at  timestamptz not null
);

-- One row per accepted upload; the idempotency key makes a retried upload a no-op.
create table profile_upload (
    id              bigserial primary key,
    cluster_id      bigint      not null references cluster (id) on delete cascade,
    idempotency_key text,
    received_at     timestamptz not null,
    body            text        not null,
    unique (cluster_id, idempotency_key)
);

-- Each node, link and default link of an upload, kept with its time: the effective profile is the latest of each.
create table profile_measurement (
    id          bigserial primary key,
    cluster_id  bigint      not null references cluster (id) on delete cascade,
    upload_id   bigint      not null references profile_upload (id) on delete cascade,
    kind        text        not null check (kind in ('node', 'link', 'default-link')),
    subject     text        not null,
    measured_at timestamptz not null,
    received_at timestamptz not null,
    body        text        not null
);
create index profile_measurement_latest_idx on profile_measurement (cluster_id, kind, subject, measured_at desc, id desc);

create table custom_model (
    id         bigserial primary key,
    name       text        not null unique,
    definition text        not null,
    created_at timestamptz not null
);

create table training_job (
    id              uuid primary key,
    name            text        not null,
    cluster_name    text        not null,
    model_name      text        not null,
    goal            text        not null,
    options         text        not null,
    active          boolean     not null,
    webhook_url     text,
    current_plan_id uuid,
    flags           text,
    created_at      timestamptz not null
);

-- A solve and its outcome; status, progress and results live here so that any replica can answer.
create table plan_run (
    id             uuid primary key,
    job_id         uuid references training_job (id) on delete set null,
    cluster_name   text        not null,
    request        text        not null,
    status         text        not null,
    progress       double precision not null,
    attempts       int         not null,
    best_plan      text,
    result         text,
    failure_reason text,
    cancel_requested boolean   not null,
    solving_replica text,
    created_at     timestamptz not null,
    started_at     timestamptz,
    finished_at    timestamptz
);
create index plan_run_status_idx on plan_run (status);

create table plan_revision (
    id            bigserial primary key,
    job_id        uuid        not null references training_job (id) on delete cascade,
    plan_id       uuid        not null,
    night         date,
    created_at    timestamptz not null,
    changes       text        not null,
    predicted_before_seconds double precision,
    predicted_after_seconds  double precision,
    flags         text        not null
);

-- db-scheduler's table (PostgreSQL schema of db-scheduler 16).
create table scheduled_tasks (
    task_name            text                     not null,
    task_instance        text                     not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean                  not null,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   not null,
    priority             smallint,
    primary key (task_name, task_instance)
);
create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
