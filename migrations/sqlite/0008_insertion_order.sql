-- PostgreSQL's 0008 adds a `rowid` column to version_phones, version_numbers and
-- licence_phones, for the insertion order that SQLite keeps in every table's implicit
-- rowid. Nothing to do here; the file keeps the two folders numbered alike.
SELECT 1;
