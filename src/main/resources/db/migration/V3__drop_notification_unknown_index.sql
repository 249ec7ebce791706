-- Nothing reads notification_inbox by "unknown bill, by arrival time": each batch paid for maintaining it.
DROP INDEX IF EXISTS notification_inbox_unknown_idx;
