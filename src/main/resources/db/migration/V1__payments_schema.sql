-- The gateway's whole shared state (docs/architecture.md#state-in-postgresql). Constraints make illegal states unrepresentable:
-- a status outside QIWI's vocabulary, a negative or sub-kopeck amount, a second bill with one QIWI
-- bill_id, or a completed idempotency record without its stored answer cannot be written at all.

CREATE TABLE bill (
    bill_id           text          PRIMARY KEY  -- QIWI's bill_id: one namespace per shop, so global here
                      CHECK (bill_id ~ '^[A-Za-z0-9._-]{1,30}$'),
    merchant_id       text          NOT NULL CHECK (merchant_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    amount            numeric(12,2) NOT NULL CHECK (amount > 0 AND amount < 1000000),
    currency          char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    customer          text          NOT NULL CHECK (customer ~ '^tel:\+[0-9]{1,15}$'),
    comment           text          NOT NULL CHECK (char_length(comment) <= 255),
    pay_source        text          CHECK (pay_source IN ('qw', 'mobile')),
    provider_name     text          CHECK (char_length(provider_name) <= 100),
    success_url       text,
    fail_url          text,
    pay_url           text          NOT NULL,
    expires_at        timestamptz   NOT NULL,
    -- The idempotency key that created the bill: only a retry with that key may resume a pending issue.
    created_by_key    text          NOT NULL,
    -- 'pending' while the issue PUT's outcome at QIWI is unknown; such a bill is not shown to callers.
    issue_state       text          NOT NULL DEFAULT 'pending' CHECK (issue_state IN ('pending', 'issued', 'refused')),
    status            text          NOT NULL DEFAULT 'waiting'
                      CHECK (status IN ('waiting', 'paid', 'rejected', 'unpaid', 'expired')),
    status_changed_at timestamptz,
    qiwi_checked_at   timestamptz,
    next_poll_at      timestamptz,
    poll_attempts     integer       NOT NULL DEFAULT 0 CHECK (poll_attempts >= 0),
    poll_lease_until  timestamptz,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT bill_final_only_when_issued CHECK (status = 'waiting' OR issue_state = 'issued')
);
CREATE INDEX bill_merchant_idx ON bill (merchant_id, created_at);
CREATE INDEX bill_poll_due_idx ON bill (next_poll_at) WHERE status = 'waiting' AND issue_state = 'issued';

CREATE TABLE refund (
    bill_id           text          NOT NULL REFERENCES bill (bill_id),
    refund_id         text          NOT NULL CHECK (refund_id ~ '^[A-Za-z0-9]{1,9}$'),
    merchant_id       text          NOT NULL,
    amount            numeric(12,2) NOT NULL CHECK (amount > 0 AND amount < 1000000),
    currency          char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    request_state     text          NOT NULL DEFAULT 'pending' CHECK (request_state IN ('pending', 'accepted', 'refused')),
    created_by_key    text          NOT NULL,
    status            text          NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'success', 'fail')),
    status_changed_at timestamptz,
    qiwi_checked_at   timestamptz,
    next_poll_at      timestamptz,
    poll_attempts     integer       NOT NULL DEFAULT 0 CHECK (poll_attempts >= 0),
    poll_lease_until  timestamptz,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (bill_id, refund_id),
    CONSTRAINT refund_final_only_when_accepted CHECK (status = 'processing' OR request_state = 'accepted')
);
CREATE INDEX refund_poll_due_idx ON refund (next_poll_at) WHERE status = 'processing' AND request_state = 'accepted';

CREATE TABLE idempotency_key (
    merchant_id      text        NOT NULL,
    idem_key         text        NOT NULL CHECK (char_length(idem_key) BETWEEN 1 AND 255),
    fingerprint      text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    operation        text        NOT NULL,
    -- Everything the operation needs (path parameters and body), so the completer can resume it without the HTTP request.
    request_body     jsonb       NOT NULL,
    state            text        NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'completed')),
    locked_until     timestamptz,
    -- A fresh token per lease acquisition: a holder whose lease was taken over can no longer checkpoint or complete.
    lease_token      uuid,
    recovery_point   text        NOT NULL DEFAULT 'started',
    resource_id      text,
    response_status  integer     CHECK (response_status BETWEEN 100 AND 599),
    response_headers jsonb,
    response_body    bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, idem_key),
    CONSTRAINT idempotency_completed_has_answer
        CHECK ((state = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL)),
    CONSTRAINT idempotency_in_progress_has_lease_end CHECK (state = 'completed' OR locked_until IS NOT NULL)
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
CREATE INDEX idempotency_key_abandoned_idx ON idempotency_key (locked_until) WHERE state = 'in_progress';

-- Every authenticated, well-formed QIWI notification, one row per arrival (redeliveries included), with
-- what it did. Refusals before that point (bad signature, malformed body, foreign source) are counted in
-- metrics instead: an unauthenticated request must not be able to write to the database.
CREATE TABLE notification_inbox (
    id             bigserial     PRIMARY KEY,
    bill_id        text          NOT NULL CHECK (bill_id ~ '^[A-Za-z0-9._-]{1,30}$'),
    status         text          NOT NULL CHECK (status IN ('waiting', 'paid', 'rejected', 'unpaid', 'expired')),
    amount         numeric(12,2) NOT NULL CHECK (amount > 0),
    currency       char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    dialect        text          NOT NULL CHECK (dialect IN ('rest-v3', 'pull-v2')),
    -- The shop the notification names (rest-v3 prv_id); null when the dialect's body names none.
    prv_id         text          CHECK (prv_id ~ '^[0-9]{1,18}$'),
    source_address text,
    raw_body       text          NOT NULL,
    verdict        text          NOT NULL CHECK (verdict IN ('applied', 'duplicate', 'stale', 'mismatch', 'unknown_bill')),
    -- Why a mismatch or unknown bill was not applied, for the operator reading the row.
    detail         text,
    received_at    timestamptz   NOT NULL DEFAULT now()
);
-- One applied row per transition: a redelivered notification can never apply its transition twice.
CREATE UNIQUE INDEX notification_inbox_transition_uq ON notification_inbox (bill_id, status) WHERE verdict = 'applied';
CREATE INDEX notification_inbox_bill_idx ON notification_inbox (bill_id, received_at);
-- Bills QIWI knows and the gateway does not (yet): what a status check should look at.
CREATE INDEX notification_inbox_unknown_idx ON notification_inbox (received_at) WHERE verdict = 'unknown_bill';

CREATE TABLE event (
    seq              bigserial   PRIMARY KEY,
    id               text        NOT NULL UNIQUE CHECK (id ~ '^evt_[A-Za-z0-9]+$'),
    -- The writing transaction's id: the feed orders by (txid, seq) and shows only transactions older
    -- than every one still running, so a reader never skips an event that commits late.
    txid             xid8        NOT NULL DEFAULT pg_current_xact_id(),
    merchant_id      text        NOT NULL,
    type             text        NOT NULL CHECK (type IN ('bill.waiting', 'bill.paid', 'bill.rejected', 'bill.unpaid',
                                                        'bill.expired', 'refund.processing', 'refund.succeeded',
                                                        'refund.failed')),
    bill_id          text        NOT NULL REFERENCES bill (bill_id),
    refund_id        text,
    -- The whole event body; its text form is what a webhook carries and signs.
    payload          jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- Webhook delivery (webhook.WebhookOutbox): 'dead' once retries outlived WEBHOOK_RETRY_WINDOW.
    delivery_state   text        NOT NULL DEFAULT 'pending' CHECK (delivery_state IN ('pending', 'delivered', 'dead')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- The retry window runs from here; a redelivery starts a new one.
    first_attempt_at timestamptz,
    lease_until      timestamptz,
    -- The dispatcher holding the lease: only it records the attempt's outcome or releases it.
    lease_owner      uuid,
    last_error       text        CHECK (char_length(last_error) <= 300),
    delivered_at     timestamptz,
    CONSTRAINT event_lease_has_owner CHECK ((lease_until IS NULL) = (lease_owner IS NULL)),
    CONSTRAINT event_delivered_has_time CHECK (delivery_state <> 'delivered' OR delivered_at IS NOT NULL)
);
CREATE INDEX event_feed_idx ON event (merchant_id, txid, seq);
CREATE INDEX event_due_idx ON event (next_attempt_at) WHERE delivery_state = 'pending';
CREATE INDEX event_dead_idx ON event (seq) WHERE delivery_state = 'dead';
-- Per-bill order of delivery: "is an earlier event of this bill still pending?"
CREATE INDEX event_bill_idx ON event (bill_id, txid, seq);
