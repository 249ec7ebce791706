-- A bill QIWI refused to issue no longer keeps its billId: the refusal is the idempotency key's stored
-- answer (422 provider_rejected), and the pending row is deleted with it, so the id can be issued again
-- (docs/api.md#issue-a-bill). Rows the earlier code marked 'refused' are freed the same way; nothing
-- refers to them (a bill gets events, refunds and polls only once issued).
DELETE FROM bill WHERE issue_state = 'refused';
ALTER TABLE bill DROP CONSTRAINT bill_issue_state_check;
ALTER TABLE bill ADD CONSTRAINT bill_issue_state_check CHECK (issue_state IN ('pending', 'issued'));
