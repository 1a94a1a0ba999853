-- The services' own role: 'archive migrate' (as archive_owner, who owns the tables) grants
-- it every table, the audit log INSERT and SELECT only (reliability.md, promise 4).
CREATE ROLE archive LOGIN PASSWORD 'archive';
