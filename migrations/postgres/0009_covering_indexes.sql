-- Indexes that answer the review UI's two busiest reads from the index alone (measured
-- with benches/web.rs at 100,000 flags; figures in docs/performance.md).
--
-- 1. The queue's page of ids (store/queue.rs) walks flags in strength or first-seen order
--    and filters them on status, rule, municipality, site, date or escalation. With those
--    columns in the index (INCLUDE), the walk is an index-only scan that filters on the
--    index entries; without them it visited the table for every entry it passed (a 30-day
--    window: 490 rows read, 2.7 ms, against 11 index pages, 0.2 ms). They replace the
--    plain (strength, id) and (first_seen, id) indexes of 0004.
CREATE INDEX flags_strength_page ON flags (strength, id)
    INCLUDE (status, rule, municipality_code, site_id, first_seen, escalated_at);
CREATE INDEX flags_first_seen_page ON flags (first_seen, id)
    INCLUDE (strength, status, rule, municipality_code, site_id, escalated_at);
DROP INDEX flags_strength;
DROP INDEX flags_first_seen;

-- 2. The ads linked through a phone (store/detail.rs) find every version that carried
--    the phone and its ad and capture time, before they read the newest few in full. A
--    phone on 900 ads read 575 table pages of version_phones and 900 rows of the (wide)
--    ad_versions: 17 ms; from these two indexes alone, 5 ms.
CREATE INDEX version_phones_e164_version ON version_phones (e164, version_id);
DROP INDEX version_phones_e164;
CREATE INDEX ad_versions_ad_captured ON ad_versions (id) INCLUDE (ad_id, captured_at);
