"""The wallet service: wallets and the double-entry ledger that moves money between them."""
