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
    n BIGINT NOT NULL
);
INSERT INTO flags_generation (id, n) VALUES (1, 0);
CREATE FUNCTION flags_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; RETURN NULL; END $$;
CREATE TRIGGER flags_generation_flags AFTER INSERT OR UPDATE OR DELETE ON flags
    FOR EACH STATEMENT EXECUTE FUNCTION flags_generation_bump();
CREATE TRIGGER flags_generation_sites AFTER INSERT ON sites
    FOR EACH STATEMENT EXECUTE FUNCTION flags_generation_bump();

-- The site of a flag's ad, on the flag: the queue's site filter then reads one index in
-- strength order instead of every flag of every ad of the site. Filled from `ads` for
-- existing flags and by a trigger for new ones (an ad never changes site).
ALTER TABLE flags ADD COLUMN site_id TEXT REFERENCES sites(id);
UPDATE flags SET site_id = (SELECT site_id FROM ads WHERE ads.id = flags.ad_id);
CREATE FUNCTION flags_site_id_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.site_id IS NULL THEN
        NEW.site_id := (SELECT site_id FROM ads WHERE ads.id = NEW.ad_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER flags_site_id BEFORE INSERT ON flags
    FOR EACH ROW EXECUTE FUNCTION flags_site_id_fill();
CREATE INDEX flags_site_strength ON flags(site_id, strength, status);
