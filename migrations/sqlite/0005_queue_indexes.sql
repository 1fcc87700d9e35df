-- Review queue at scale (load benchmark, benches/web.rs, 100,000 flags): indexes that
-- answer the queue's common filters and its per-status counts from the index alone,
-- without reading the (wide) flag rows.

-- status filter, ordered by strength; per-status counts with a minimum strength.
CREATE INDEX flags_status_strength ON flags(status, strength);
-- municipality (+ rule) filter, ordered by strength, counted per status.
CREATE INDEX flags_municipality_rule ON flags(municipality_code, rule, strength, status);
-- first-seen date range, ordered by strength, counted per status.
CREATE INDEX flags_first_seen_strength ON flags(first_seen, strength, status);

-- Already there as the index of UNIQUE (ad_id, rule).
DROP INDEX IF EXISTS flags_ad;

-- A number that moves with every change to flags or sites, from any process. The review
-- UI caches what it computes over all flags (counts per status, filter menus) and reads
-- this one row to know when the cache is stale.
CREATE TABLE flags_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO flags_generation (id, n) VALUES (1, 0);
CREATE TRIGGER flags_generation_insert AFTER INSERT ON flags
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER flags_generation_update AFTER UPDATE ON flags
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER flags_generation_delete AFTER DELETE ON flags
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER flags_generation_sites AFTER INSERT ON sites
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; END;

-- The site of a flag's ad, on the flag: the queue's site filter then reads one index in
-- strength order instead of every flag of every ad of the site. Filled from `ads` for
-- existing flags and by a trigger for new ones (an ad never changes site).
ALTER TABLE flags ADD COLUMN site_id TEXT REFERENCES sites(id);
UPDATE flags SET site_id = (SELECT site_id FROM ads WHERE ads.id = flags.ad_id);
CREATE TRIGGER flags_site_id AFTER INSERT ON flags WHEN NEW.site_id IS NULL
BEGIN UPDATE flags SET site_id = (SELECT site_id FROM ads WHERE ads.id = NEW.ad_id) WHERE id = NEW.id; END;
CREATE INDEX flags_site_strength ON flags(site_id, strength, status);
