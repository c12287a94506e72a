-- The database's own ceiling for a transfer: the same work the platform does per transfer
-- (a transaction row, two locked balance updates, two ledger entries, the outcome), in
-- PostgreSQL's best form, one function call. Used by `./taskw bench:pgbench`.
CREATE TABLE wallet (
    id bigint PRIMARY KEY,
    balance bigint NOT NULL CHECK (balance >= 0)
);
CREATE TABLE ledger_entry (
    id bigserial PRIMARY KEY,
    wallet_id bigint NOT NULL REFERENCES wallet (id),
    transfer_id uuid NOT NULL,
    direction text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    balance_after bigint NOT NULL
);
CREATE INDEX ledger_entry_wallet_newest_idx ON ledger_entry (wallet_id, id DESC);
CREATE TABLE transfer (
    id uuid PRIMARY KEY,
    from_wallet bigint NOT NULL,
    to_wallet bigint NOT NULL,
    amount bigint NOT NULL,
    status text NOT NULL
);

CREATE FUNCTION bench_transfer(sender bigint, receiver bigint, amount bigint)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    transfer_id uuid := gen_random_uuid();
    sender_balance bigint;
    receiver_balance bigint;
BEGIN
    IF sender = receiver THEN
        RETURN 'same_wallet';
    END IF;
    INSERT INTO transfer VALUES (transfer_id, sender, receiver, amount, 'pending');
    PERFORM 1 FROM wallet WHERE id IN (sender, receiver) ORDER BY id FOR UPDATE;
    SELECT balance INTO sender_balance FROM wallet WHERE id = sender;
    IF sender_balance < amount THEN
        UPDATE transfer SET status = 'failed' WHERE id = transfer_id;
        RETURN 'insufficient_funds';
    END IF;
    UPDATE wallet SET balance = balance - amount WHERE id = sender
        RETURNING balance INTO sender_balance;
    UPDATE wallet SET balance = balance + amount WHERE id = receiver
        RETURNING balance INTO receiver_balance;
    INSERT INTO ledger_entry (wallet_id, transfer_id, direction, amount, balance_after)
    VALUES (sender, transfer_id, 'debit', amount, sender_balance),
           (receiver, transfer_id, 'credit', amount, receiver_balance);
    UPDATE transfer SET status = 'completed' WHERE id = transfer_id;
    RETURN 'completed';
END $$;
