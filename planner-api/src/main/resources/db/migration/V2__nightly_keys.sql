-- At most one nightly solve per job and night, whichever replica fans out, and at most one revision per plan.
alter table plan_run add column nightly_key text unique;
alter table plan_revision add constraint plan_revision_plan_unique unique (plan_id);
