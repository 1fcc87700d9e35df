-- The weekly lists to the municipalities (report/weekly): one list per municipality and
-- ISO week, frozen when made. `content` holds every value its files show (JSON), so the
-- CSV, XLSX and PDF can be written again byte for byte; a signal is on one list at most.
CREATE TABLE weekly_lists (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    week TEXT NOT NULL,                    -- ISO week, 2026-W48
    made_at TEXT NOT NULL,                 -- RFC 3339, Europe/Amsterdam
    signal_count INTEGER NOT NULL,
    content TEXT NOT NULL,                 -- PII: the frozen list (phones, advertisers, URLs)
    UNIQUE (municipality_code, week)
);
CREATE TABLE weekly_list_flags (
    list_id INTEGER NOT NULL REFERENCES weekly_lists(id),
    flag_id INTEGER NOT NULL UNIQUE REFERENCES flags(id),
    PRIMARY KEY (list_id, flag_id)
);
CREATE TABLE weekly_list_files (
    list_id INTEGER NOT NULL REFERENCES weekly_lists(id),
    kind TEXT NOT NULL CHECK (kind IN ('csv', 'xlsx', 'pdf')),
    path TEXT NOT NULL,                    -- under data_dir: reports/GM0599/2026-W48.csv
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (list_id, kind)
);
-- The system's confirmed -> reported move names the list that carried the signal.
ALTER TABLE decisions ADD COLUMN list_id INTEGER REFERENCES weekly_lists(id);
-- Each notice of a list to one recipient: sent, or failed and tried again on the next
-- run; never marked sent unless the SMTP server accepted it.
CREATE TABLE weekly_list_sends (
    list_id INTEGER NOT NULL REFERENCES weekly_lists(id),
    recipient TEXT NOT NULL,               -- an address of the municipality's staff
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    PRIMARY KEY (list_id, recipient)
);
