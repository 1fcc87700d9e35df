-- Crawler hardening: resumable runs (a persistent frontier), incremental crawling
-- (conditional GET validators, ads missing from the listings), run statistics and
-- selector health per run.

ALTER TABLE crawl_runs ADD COLUMN ads_removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN ads_not_modified INTEGER NOT NULL DEFAULT 0;  -- 304 answers
ALTER TABLE crawl_runs ADD COLUMN ads_parsed INTEGER NOT NULL DEFAULT 0;        -- ad pages parsed
ALTER TABLE crawl_runs ADD COLUMN empty_title INTEGER NOT NULL DEFAULT 0;       -- parsed without title
ALTER TABLE crawl_runs ADD COLUMN empty_body INTEGER NOT NULL DEFAULT 0;        -- parsed without body
ALTER TABLE crawl_runs ADD COLUMN listing_errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN resumed INTEGER NOT NULL DEFAULT 0;           -- times resumed after a crash
ALTER TABLE crawl_runs ADD COLUMN duration_ms INTEGER;
ALTER TABLE crawl_runs ADD COLUMN health TEXT;                                  -- ok | broken
ALTER TABLE crawl_runs ADD COLUMN health_message TEXT;                          -- Dutch

-- Validators of the last full answer, for conditional GETs; runs in a row in which the
-- complete listings did not link the ad.
ALTER TABLE ads ADD COLUMN etag TEXT;
ALTER TABLE ads ADD COLUMN last_modified TEXT;
ALTER TABLE ads ADD COLUMN missed_runs INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ads_site_url ON ads(site_id, url);

-- The URLs of a run still to fetch (done = 0) and already handled (done = 1). A run that
-- was killed is resumed from here; rows go when the run finishes.
CREATE TABLE crawl_frontier (
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    url TEXT NOT NULL,
    kind TEXT NOT NULL,                    -- listing | ad
    seq INTEGER NOT NULL,                  -- discovery order
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, url)
);
CREATE INDEX crawl_frontier_pending ON crawl_frontier(run_id, done, kind, seq);
