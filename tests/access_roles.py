"""The access file the shared-mode tests use (access.toml in short): KOSTRA is public to anonymous visitors, the
roles `leder` (own data) and `import` (uploads) come from the ID token's `roles` claim. Shared by the AppTest door
tests (tests/pages/test_access_apptest.py) and the login tests in Chromium (tests/browser/test_login_browser.py)."""
from __future__ import annotations

from pathlib import Path

ACCESS = """
[anonymous]
kostra = true
[roles.leder]
roles = ["leder"]
[roles.import]
roles = ["import"]
"""


def write_access(folder: Path, text: str = ACCESS) -> Path:
    """folder/access.toml with `text`; the caller points KOSTRA_ACCESS_FILE at it (env or monkeypatch)."""
    path = folder / "access.toml"
    path.write_text(text, encoding="utf-8")
    return path
