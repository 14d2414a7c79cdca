"""The README's GitHub Action section shows every example workflow as it is."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_shows_the_example_workflows_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## GitHub Action") :]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    for name in sorted(p.name for p in (ROOT / "examples" / "github").glob("*.yml")):
        text = (ROOT / "examples" / "github" / name).read_text(encoding="utf-8")
        assert text in blocks, f"README does not show examples/github/{name} as it is"


def test_readme_names_the_secrets_to_set() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## GitHub Action") :]
    for secret in ("AMBRA_URL", "AMBRA_LOGIN", "AMBRA_PASSWORD", "AMBRA_SID"):
        assert f"`{secret}`" in section
