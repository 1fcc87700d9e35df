-- (PostgreSQL; mirrors migrations/sqlite/0003_evidence_record_hash.sql)
-- Evidence: the SHA-256 of the whole WARC response record (headers + HTTP block), so that
-- a change to the capture date or target URI in the WARC file is detected too; the
-- payload hash (body_sha256) alone does not cover those.
ALTER TABLE fetches ADD COLUMN warc_record_sha256 TEXT;   -- hex; warc_length bytes at warc_offset
