"""What the browser tests (tests/e2e) and their conftest share: where pictures go and how long a page may wait."""

from pathlib import Path

# Screenshots of failed browser tests and the pictures some tests take on purpose (kept by CI).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Generous: CI runs two test workers on two cores, and a page can wait seconds for a core.
DEFAULT_TIMEOUT_MS = 20_000
