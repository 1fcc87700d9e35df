-- The store lists an ad's phones and numbers, and a licence's phones, in the order they
-- were found (the order of the ad's text). SQLite keeps that order in every table's
-- implicit rowid; PostgreSQL needs a column for it. Named `rowid` so that the same query
-- text (`ORDER BY rowid`) reads the insertion order on both engines.
ALTER TABLE version_phones ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
ALTER TABLE version_numbers ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
ALTER TABLE licence_phones ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
