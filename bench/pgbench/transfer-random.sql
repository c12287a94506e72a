\set sender random(1, :wallets)
\set receiver random(1, :wallets)
SELECT bench_transfer(:sender, :receiver, 1);
