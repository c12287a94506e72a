"""The old REST contract (../shared/legacy/CONTRACT.md), its shapes kept and its bugs fixed."""
