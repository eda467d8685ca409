-- Remove the JSScada Oracle objects (tests, or a fresh start). Destroys the stored values.
DROP VIEW TAG_VALUES
/
DROP TABLE TAG_DATA PURGE
/
DROP TABLE TAGS PURGE
/
DROP TABLE COLLECTORS PURGE
/
DROP TABLE SCHEMA_VERSION PURGE
/
