"""The transaction service: the business record of every money movement, and the saga that
applies it in the wallet service exactly once."""
