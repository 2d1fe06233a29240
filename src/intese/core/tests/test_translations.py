"""The English catalogue translates every string of the interface."""

import subprocess
from pathlib import Path

import intese

CATALOGUE = Path(intese.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_english_catalogue_is_complete_and_valid():
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
