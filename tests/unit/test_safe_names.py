"""Client file names are shown, never used as paths."""

import pytest

from app.evidence.service import safe_name


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("acta\x00\x07.pdf", "acta.pdf"),
        ("  ..  ", None),
        ("", None),
        ("informe de gestión.pdf", "informe de gestión.pdf"),
    ],
)
def test_safe_name(given, kept):
    assert safe_name(given) == kept
