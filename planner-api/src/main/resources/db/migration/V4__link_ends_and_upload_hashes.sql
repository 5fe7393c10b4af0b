-- A link is keyed by its two ends, not by the text 'from->to', which two different links could share (nodes 'a' and
-- 'b->c' against 'a->b' and 'c'). The ends of stored links come from their stored bodies, so no data is lost.
alter table profile_measurement add column link_from text, add column link_to text;
update profile_measurement set link_from = body::jsonb ->> 'from', link_to = body::jsonb ->> 'to' where kind = 'link';
alter table profile_measurement add constraint profile_measurement_link_ends
    check ((kind = 'link') = (link_from is not null and link_to is not null));
drop index profile_measurement_latest_idx;
create index profile_measurement_latest_idx
    on profile_measurement (cluster_id, kind, subject, link_from, link_to, measured_at desc, id desc);

-- A retried upload must carry the body of the first one (IETF Idempotency-Key draft): the SHA-256 of each upload's
-- body is kept with its key, so a reused key with another body can be refused.
alter table profile_upload add column body_sha256 text;
update profile_upload set body_sha256 = encode(sha256(convert_to(body, 'UTF8')), 'hex');
alter table profile_upload alter column body_sha256 set not null;
