-- recovery_point was never advanced past 'started' and nothing read it. Where an interrupted idempotent
-- request resumes is recorded by its own domain row instead: the pending bill reserved with
-- created_by_key, the refund reserved for the key, the bill's status for a cancel.
ALTER TABLE idempotency_key DROP COLUMN recovery_point;
