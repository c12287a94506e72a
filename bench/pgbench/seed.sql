-- :wallets wallets, each rich enough that no benchmark transfer runs out of money.
INSERT INTO wallet SELECT g, :balance FROM generate_series(1, :wallets) g;
