-- Every transfer pays into wallet 1: the hot-row ceiling.
\set sender random(2, :wallets)
SELECT bench_transfer(:sender, 1, 1);
