-- The service's own tables arrive with its endpoints; the case registry and the messaging
-- tables are shared components applied before this file.
SELECT 1;
