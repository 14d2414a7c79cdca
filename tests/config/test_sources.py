"""The digests a saved plan keeps of its config's files, by path relative to the config."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ambraconf.config.validate import validate_path


def test_a_single_file_config_names_its_files_from_its_own_directory(tmp_path: Path) -> None:
    config = tmp_path / "cfg" / "account.yaml"
    config.parent.mkdir()
    (tmp_path / "code").mkdir()
    code = tmp_path / "code" / "check.py"
    code.write_text("def validate(study):\n    return True\n")
    config.write_text(
        "accounts:\n  - name: A\n    customcodes:\n"
        "      - {name: Check, code_file: ../code/check.py}\n"
    )
    result = validate_path(config)
    assert result.ok, result.diagnostics
    assert result.sources.relative_to(config) == {
        "../code/check.py": hashlib.sha256(code.read_bytes()).hexdigest(),
        "account.yaml": hashlib.sha256(config.read_bytes()).hexdigest(),
    }
