-- Every correction set fitted for a cluster from the measured runs of its jobs' plans (api/correction). A set is
-- immutable and versioned by the content hash of its factors; a plan records the version it used, so an old prediction
-- is reproduced by applying the stored set again. measured_samples and measured_max_id describe the measurements the
-- fit saw: a later read that finds other figures refits (lazily, when a plan or estimate on the cluster needs the set).
create table cluster_correction (
    id               bigserial primary key,
    cluster_name     text        not null references cluster (name) on delete cascade,
    version          text        not null,
    fitted_at        timestamptz not null,
    -- The CorrectionSet as JSON: factors with value, bounds-checked, and evidence (run ids, samples, note).
    corrections      jsonb       not null,
    runs             int         not null,
    measured_samples bigint      not null,
    measured_max_id  bigint      not null
);
create index cluster_correction_latest_idx on cluster_correction (cluster_name, id desc);
create index cluster_correction_version_idx on cluster_correction (cluster_name, version);

-- The prediction error of the plan a revision replaced, against what its runs measured: the median measured
-- iteration time after warm-up over the previous plan's predicted one (null when the previous plan has no measured
-- step past warm-up).
alter table plan_revision add column previous_measured_seconds double precision;
alter table plan_revision add column previous_predicted_seconds double precision;
alter table plan_revision add column previous_prediction_error double precision;
