-- pgbench script: what an upload writes to coordination's database, one sealed chunk of a
-- document (512 KiB of incompressible bytes, stored out of line without compression) per
-- statement and transaction. The bytes are one of the 16 chunks of chunk_samples (schema.sql),
-- picked at random; deploy/local/bench.sh reports transactions/s × 0.5 MiB as MB/s.
\set s random(1, 16)
INSERT INTO document_chunks (document_id, version, seq, sealed) SELECT gen_random_uuid(), 1, 0, sealed FROM chunk_samples WHERE id = :s;
