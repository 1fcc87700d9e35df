-- A person's decision is pinned (issue: security and integrity, F2). A decided flag
-- (confirmed, dismissed, reported, closed) keeps the ad version, evidence, municipality
-- and explanation the person saw; the system never rewrites them. A later change of the
-- ad is an observation on the flag; if the changed ad meets the rule again, that is a new
-- flag that follows the decided one.
--
-- One flag per ad and rule no longer holds: a decided flag may have one follower, which
-- may have one in turn (a chain). The unique key becomes (ad, rule, the flag it follows).
-- SQLite cannot drop a table constraint, so `flags` is rebuilt (the steps of
-- https://sqlite.org/lang_altertable.html, section 7). That needs foreign keys off, which
-- SQLite allows only outside a transaction: the store runs every migration on a
-- connection with foreign keys off and checks them all afterwards (`Store::migrate`).

CREATE TABLE flags_rebuilt (
    id INTEGER PRIMARY KEY,
    ad_id INTEGER NOT NULL REFERENCES ads(id),
    rule TEXT NOT NULL,
    strength INTEGER NOT NULL CHECK (strength BETWEEN 0 AND 10),
    status TEXT NOT NULL DEFAULT 'new',
    explanation TEXT NOT NULL,             -- Dutch; may quote numbers from the ad (PII)
    evidence TEXT NOT NULL,                -- JSON: version, fetch, sha256, phones, numbers (PII)
    version_id INTEGER NOT NULL REFERENCES ad_versions(id),
    snapshot_id INTEGER REFERENCES register_snapshots(id),
    municipality_code TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    resolved_at TEXT,
    resolved_reason TEXT,
    escalated_at TEXT,
    site_id TEXT REFERENCES sites(id),
    -- The decided flag of the same ad and rule that this one follows (the ad changed
    -- after that decision and meets the rule again); NULL for the first flag.
    follows_flag_id INTEGER REFERENCES flags(id)
);
INSERT INTO flags_rebuilt (id, ad_id, rule, strength, status, explanation, evidence, version_id,
    snapshot_id, municipality_code, first_seen, last_seen, resolved_at, resolved_reason,
    escalated_at, site_id)
SELECT id, ad_id, rule, strength, status, explanation, evidence, version_id,
    snapshot_id, municipality_code, first_seen, last_seen, resolved_at, resolved_reason,
    escalated_at, site_id FROM flags;
DROP TABLE flags;
ALTER TABLE flags_rebuilt RENAME TO flags;

-- One first flag per ad and rule, and at most one follower per flag. It also serves
-- every lookup by ad (it starts with ad_id).
CREATE UNIQUE INDEX flags_chain ON flags(ad_id, rule, COALESCE(follows_flag_id, 0));
CREATE INDEX flags_follows ON flags(follows_flag_id) WHERE follows_flag_id IS NOT NULL;

-- The indexes and triggers of 0001, 0004 and 0005, as they were.
CREATE INDEX flags_status ON flags(status);
CREATE INDEX flags_municipality ON flags(municipality_code);
CREATE INDEX flags_strength ON flags(strength, id);
CREATE INDEX flags_first_seen ON flags(first_seen, id);
CREATE INDEX flags_rule ON flags(rule);
CREATE INDEX flags_status_strength ON flags(status, strength);
CREATE INDEX flags_municipality_rule ON flags(municipality_code, rule, strength, status);
CREATE INDEX flags_first_seen_strength ON flags(first_seen, strength, status);
CREATE INDEX flags_site_strength ON flags(site_id, strength, status);
CREATE TRIGGER flags_generation_insert AFTER INSERT ON flags
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER flags_generation_update AFTER UPDATE ON flags
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER flags_generation_delete AFTER DELETE ON flags
BEGIN UPDATE flags_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER flags_site_id AFTER INSERT ON flags WHEN NEW.site_id IS NULL
BEGIN UPDATE flags SET site_id = (SELECT site_id FROM ads WHERE ads.id = NEW.ad_id) WHERE id = NEW.id; END;

-- What a person decided on stays as they saw it: the database refuses any change to the
-- basis of a decided flag, whoever tries.
CREATE TRIGGER flags_decided_pinned BEFORE UPDATE ON flags
WHEN OLD.status IN ('confirmed', 'dismissed', 'reported', 'closed')
 AND (NEW.ad_id IS NOT OLD.ad_id OR NEW.rule IS NOT OLD.rule
      OR NEW.version_id IS NOT OLD.version_id OR NEW.evidence IS NOT OLD.evidence
      OR NEW.explanation IS NOT OLD.explanation OR NEW.strength IS NOT OLD.strength
      OR NEW.municipality_code IS NOT OLD.municipality_code
      OR NEW.snapshot_id IS NOT OLD.snapshot_id OR NEW.follows_flag_id IS NOT OLD.follows_flag_id)
BEGIN SELECT RAISE(ABORT, 'a decided flag is pinned to what the person saw'); END;

-- Append-only: what the system saw happen to the ad after a person's decision.
CREATE TABLE flag_observations (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL REFERENCES flags(id),
    -- ad_changed: a new version of the ad after the decision; ad_removed: the ad is gone
    -- from the site.
    kind TEXT NOT NULL CHECK (kind IN ('ad_changed', 'ad_removed')),
    version_id INTEGER REFERENCES ad_versions(id),   -- the new version (ad_changed)
    note TEXT NOT NULL,                              -- Dutch, for the history; no PII
    observed_at TEXT NOT NULL
);
CREATE INDEX flag_observations_flag ON flag_observations(flag_id);
CREATE TRIGGER flag_observations_append_only BEFORE UPDATE ON flag_observations
BEGIN SELECT RAISE(ABORT, 'flag observations are append-only'); END;
