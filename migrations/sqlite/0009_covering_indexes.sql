-- Indexes that answer the ads linked through a phone (store/detail.rs) from the index
-- alone: every version that carried the phone, with its ad and capture time, without
-- reading the (wide) version rows. PostgreSQL's 0009 also puts the queue's filter columns
-- into its page indexes; SQLite's planner answers those filters from the composite
-- indexes of 0005 and 0006.
CREATE INDEX version_phones_e164_version ON version_phones (e164, version_id);
DROP INDEX version_phones_e164;
CREATE INDEX ad_versions_ad_captured ON ad_versions (id, ad_id, captured_at);
