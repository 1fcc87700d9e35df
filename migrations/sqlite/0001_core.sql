-- webwacht core schema (SQLite). Append-only: never edit a released migration, add a new one.
-- Columns holding personal data are marked "PII" and listed in docs/data-model.md.

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,                 -- CBS code, GM0599
    name TEXT NOT NULL
);

CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    municipality_code TEXT NOT NULL REFERENCES municipalities(code)
);
CREATE INDEX places_municipality ON places(municipality_code);

CREATE TABLE gazetteer_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    source TEXT NOT NULL,                  -- "embedded" or the imported file name
    vintage TEXT NOT NULL,
    sha256 TEXT,
    imported_at TEXT NOT NULL
);

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    health TEXT NOT NULL DEFAULT 'ok',     -- ok | broken
    health_message TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,                  -- running | finished | failed
    pages INTEGER NOT NULL DEFAULT 0,
    ads_seen INTEGER NOT NULL DEFAULT 0,
    ads_new INTEGER NOT NULL DEFAULT 0,
    ads_changed INTEGER NOT NULL DEFAULT 0,
    robots_blocked INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX crawl_runs_site ON crawl_runs(site_id, started_at);

-- Every HTTP response we acted on. Ad pages carry their evidence reference.
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    url TEXT NOT NULL,
    page_kind TEXT NOT NULL,               -- listing | ad
    http_status INTEGER,
    fetched_at TEXT NOT NULL,
    body_sha256 TEXT,                      -- SHA-256 of the raw response body (hex)
    body_size INTEGER,
    warc_file TEXT,                        -- PII (file holds the raw page), relative to data_dir/evidence
    warc_offset INTEGER,
    warc_length INTEGER,
    error TEXT
);
CREATE INDEX fetches_run ON fetches(run_id);

CREATE TABLE ads (
    id INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    external_id TEXT NOT NULL,
    url TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    current_version_id INTEGER,
    removed_at TEXT,
    UNIQUE (site_id, external_id)
);

-- A new version only when the content hash changes.
CREATE TABLE ad_versions (
    id INTEGER PRIMARY KEY,
    ad_id INTEGER NOT NULL REFERENCES ads(id),
    content_sha256 TEXT NOT NULL,          -- hash of the parsed fields, not the raw page
    fetch_id INTEGER NOT NULL REFERENCES fetches(id),
    captured_at TEXT NOT NULL,
    title TEXT,                            -- PII
    body TEXT,                             -- PII
    advertiser TEXT,                       -- PII
    place_text TEXT,                       -- PII
    posted TEXT,
    municipality_code TEXT,
    UNIQUE (ad_id, content_sha256)
);

CREATE TABLE version_phones (
    version_id INTEGER NOT NULL REFERENCES ad_versions(id),
    e164 TEXT NOT NULL,                    -- PII
    raw TEXT NOT NULL,                     -- PII
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    obfuscated INTEGER NOT NULL,
    PRIMARY KEY (version_id, e164)
);
CREATE INDEX version_phones_e164 ON version_phones(e164);

CREATE TABLE version_numbers (
    version_id INTEGER NOT NULL REFERENCES ad_versions(id),
    kind TEXT NOT NULL,                    -- licence | registration
    normalized TEXT NOT NULL,
    value TEXT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (version_id, kind, normalized)
);

CREATE TABLE version_places (
    version_id INTEGER NOT NULL REFERENCES ad_versions(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    municipality_code TEXT,
    PRIMARY KEY (version_id, position)
);

CREATE TABLE register_snapshots (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                    -- licences | registrations
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE licences (
    snapshot_id INTEGER NOT NULL REFERENCES register_snapshots(id),
    licence_number TEXT NOT NULL,
    normalized TEXT NOT NULL,
    holder TEXT NOT NULL,                  -- PII
    business_type TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    address TEXT,                          -- PII
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    status TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, normalized)
);

CREATE TABLE licence_phones (
    snapshot_id INTEGER NOT NULL REFERENCES register_snapshots(id),
    normalized TEXT NOT NULL,
    e164 TEXT NOT NULL,                    -- PII
    PRIMARY KEY (snapshot_id, normalized, e164)
);
CREATE INDEX licence_phones_e164 ON licence_phones(snapshot_id, e164);

CREATE TABLE registrations (
    snapshot_id INTEGER NOT NULL REFERENCES register_snapshots(id),
    registration_number TEXT NOT NULL,
    normalized TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    status TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, normalized)
);

-- One flag per ad and rule.
CREATE TABLE flags (
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
    UNIQUE (ad_id, rule)
);
CREATE INDEX flags_status ON flags(status);
CREATE INDEX flags_municipality ON flags(municipality_code);

-- Append-only: every status change of a flag.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL REFERENCES flags(id),
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT,                             -- PII (free text)
    decided_at TEXT NOT NULL
);
CREATE TRIGGER decisions_append_only BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

-- Append-only: who did what, when.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT,
    detail TEXT
);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
