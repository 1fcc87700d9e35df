-- Review queue at scale (load benchmark, benches/web.rs, 100,000 flags): indexes that
-- answer the queue's common filters and its per-status counts from the index alone,
-- without reading the (wide) flag rows.

-- status filter, ordered by strength; per-status counts with a minimum strength.
CREATE INDEX flags_status_strength ON flags(status, strength);
-- municipality (+ rule) filter, ordered by strength, counted per status.
CREATE INDEX flags_municipality_rule ON flags(municipality_code, rule, strength, status);
-- first-seen date range, ordered by strength, counted per status.
CREATE INDEX flags_first_seen_strength ON flags(first_seen, strength, status);
