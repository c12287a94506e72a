"""Where things are in the checkout, wherever the command is run from."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
PROTO_ROOT = REPO_ROOT / "protos"
STATE_DIR = REPO_ROOT / ".tekana"
