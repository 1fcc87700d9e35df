-- The name a registration number stands next to in an agency's list of women
-- (`Lisa (reg.nr. 123456789)`), so a rule and the flag screen can say whose number it is.
-- PII (a working name, as the ad shows it).
ALTER TABLE version_numbers ADD COLUMN name TEXT;
