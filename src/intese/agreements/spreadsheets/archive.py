"""The archive check: what every upload passes before any parser sees it.

XLSX and ODS are ZIP archives of XML, and the CSV container is a ZIP too: an archive that would
inflate too far (a zip bomb) or XML that declares a DTD (billion laughs, external entities) is
refused from the archive's directory and a byte scan, without parsing anything.
"""

import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intese.agreements.spreadsheets.limits import (
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    RATIO_FLOOR,
)


class ImportRefused(Exception):
    """The file as a whole cannot be read: wrong type, too big once inflated, unsafe XML."""


NOT_A_SPREADSHEET = gettext_lazy(
    "Il file non è un foglio di calcolo .xlsx o .ods né un archivio .zip di file CSV."
)
UNREADABLE = gettext_lazy(
    "Il file è danneggiato o non leggibile: salvarlo di nuovo dal programma di foglio di "
    "calcolo e riprovare."
)
DANGEROUS_XML = [
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
]


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse archives that would inflate too far, and XML with DTDs, before parsing anything.

    The sizes come from the archive's directory; Python's zipfile never inflates a member
    beyond its declared size (it stops and fails the CRC check), so checking them is enough.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(
            _("L'archivio contiene %(n)d file: al massimo %(max)d.")
            % {"n": len(members), "max": MAX_MEMBERS}
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            _("Una volta decompresso il file occuperebbe %(size)d MB: al massimo %(max)d MB.")
            % {"size": total // 2**20, "max": MAX_UNCOMPRESSED_BYTES // 2**20}
        )
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ImportRefused(
                _(
                    "«%(name)s» è compresso in modo anomalo (più di %(ratio)d volte): il file "
                    "è rifiutato come possibile bomba di decompressione."
                )
                % {"name": member.filename, "ratio": MAX_RATIO}
            )
    for member in members:
        if not member.filename.lower().endswith(".csv") and _declares_dtd(archive, member):
            raise ImportRefused(
                _(
                    "«%(name)s» contiene dichiarazioni DOCTYPE o ENTITY, che un foglio di "
                    "calcolo non usa: il file è rifiutato."
                )
                % {"name": member.filename}
            )


def _declares_dtd(archive, member) -> bool:
    """Whether a member holds a DTD marker; the windows overlap so none is split unseen."""
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                window = tail + chunk
                if any(marker in window for marker in DANGEROUS_XML):
                    return True
                tail = window[-32:]
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as error:
        raise ImportRefused(UNREADABLE) from error
    return False
