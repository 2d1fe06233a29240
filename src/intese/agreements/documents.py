"""Documents of an agreement: which files may be attached, how each is checked, stored and
indexed for search.

A file is accepted only when its extension is on the allow-list *and* its content is what the
extension says (magic bytes, then the structure of the format); archives are measured before
anything is decompressed. Every refusal is a DocumentError with a message for the person who
uploaded the file. See SECURITY.md, FILE-01…FILE-05 (ASVS V5.2, V5.3).
"""

import base64
import binascii
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
import zlib
from pathlib import PurePosixPath

import filetype
from asn1crypto import cms
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeXML
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from odf import teletype
from odf.namespaces import TEXTNS
from odf.opendocument import load as load_odf
from pypdf import PdfReader
from pypdf.errors import DependencyError

from intese.agreements.models import Agreement, Document
from intese.core.errors import DomainError

logger = logging.getLogger(__name__)

MAX_SIZE = 20 * 1024 * 1024  # bytes; the proxy in front must allow a little more
# Archives (ODT, DOCX) are measured from their directory before any member is read.
MAX_MEMBERS = 1_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100  # for members that inflate beyond RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_SIGNATURE_LAYERS = 3  # a signed file signed again: contratto.pdf.p7m.p7m
MAX_TEXT = 1_000_000  # characters of extracted text kept for search
MAX_TEXT_PAGES = 500  # pages of a PDF read for text (extraction is slow on huge files)

PDF, ODT, DOCX, P7M, PNG, JPEG = "pdf", "odt", "docx", "p7m", "png", "jpeg"
EXTENSIONS = {
    ".pdf": PDF,
    ".odt": ODT,
    ".docx": DOCX,
    ".p7m": P7M,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
ODT_MIME = "application/vnd.oasis.opendocument.text"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    PDF: "application/pdf",
    ODT: ODT_MIME,
    DOCX: DOCX_MIME,
    P7M: "application/pkcs7-mime",
    PNG: "image/png",
    JPEG: "image/jpeg",
}
# What the `filetype` sniffer may say of each format. Its DOCX and ODT matchers look only at
# the first members of the ZIP, so a plain "zip" is accepted and the structure decides;
# a CAdES envelope (DER) is unknown to it, so asn1crypto decides.
SNIFFED = {
    PDF: {"application/pdf"},
    ODT: {ODT_MIME, "application/zip"},
    DOCX: {DOCX_MIME, "application/zip"},
    P7M: {None},
    PNG: {"image/png", "image/apng"},
    JPEG: {"image/jpeg"},
}
SUFFIXES = {
    "application/pdf": ".pdf",
    ODT_MIME: ".odt",
    DOCX_MIME: ".docx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
ACCEPT = ",".join(EXTENSIONS)  # for <input type="file" accept="…">
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XML_MEMBER = re.compile(r"\.(xml|rels|rdf)$", re.IGNORECASE)
# Characters that hide or reorder what a file name shows (bidi overrides, zero-width marks).
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class DocumentError(DomainError):
    """An uploaded file was refused."""


def _labels():
    return {
        PDF: _("un PDF"),
        ODT: _("un documento di testo ODT"),
        DOCX: _("un documento Word DOCX"),
        P7M: _("un file firmato digitalmente P7M (CAdES)"),
        PNG: _("un'immagine PNG"),
        JPEG: _("un'immagine JPEG"),
    }


@transaction.atomic
def document_attach(*, agreement: Agreement, upload, title: str, by) -> Document:
    """Check an uploaded file, store it under a name derived from its SHA-256 and record it.

    `upload` is a Django File (an UploadedFile from a form). The stored file is removed if the
    row cannot be written, so a refusal leaves neither a row nor a file behind.
    """
    name = clean_name(upload.name or "")
    title = " ".join((title or "").split())
    if not title:
        raise DocumentError(_("Indicare il titolo del documento."), field="title")
    data = _read(upload, name)
    kind, text = check_file(name, data)
    digest = hashlib.sha256(data).hexdigest()
    _refuse_duplicate(agreement, digest, name)
    document = Document(
        agreement=agreement,
        title=title,
        original_name=name,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        sha256=digest,
        text=text,
        uploaded_by=by,
    )
    try:
        document.full_clean(exclude=["file"], validate_constraints=False)
    except ValidationError as error:
        field = next(iter(error.message_dict))
        raise DocumentError(" ".join(error.messages), field=field) from None
    _store(document, data)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        document.file.delete(save=False)
        _refuse_duplicate(agreement, digest, name)
        raise
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def clean_name(name: str) -> str:
    """The name to show and to offer on download: no folders, no control or bidi characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = INVISIBLE.sub("", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    suffix = PurePosixPath(name).suffix[:20]
    if len(name) > 255:
        name = name[: 255 - len(suffix)] + suffix
    return name or "documento"


def _read(upload, name: str) -> bytes:
    if upload.size is not None and upload.size > MAX_SIZE:
        raise _too_big(name)
    upload.seek(0)
    data = upload.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise _too_big(name)
    if not data:
        raise DocumentError(_("Il file «%(name)s» è vuoto.") % {"name": name}, field="file")
    return data


def _too_big(name: str) -> DocumentError:
    return DocumentError(
        _("Il file «%(name)s» supera i %(mb)s MB consentiti.")
        % {"name": name, "mb": MAX_SIZE // (1024 * 1024)},
        field="file",
    )


def check_file(name: str, data: bytes, layer: int = 0) -> tuple[str, str]:
    """The format of a file and the text found in it; DocumentError if it is not acceptable."""
    kind = EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    if kind is None:
        raise DocumentError(
            _(
                "Tipo di file non ammesso: «%(name)s». Si possono allegare PDF (anche PDF/A), "
                "ODT, DOCX, P7M firmati digitalmente, PNG e JPEG."
            )
            % {"name": name},
            field="file",
        )
    sniffed = filetype.guess(data)
    if (sniffed.mime if sniffed else None) not in SNIFFED[kind]:
        raise _not_a(name, kind, describe(data))
    return kind, READERS[kind](name, data, layer)


def describe(data: bytes) -> str:
    """What the content looks like, for a message: "EXE (application/x-msdownload)"…"""
    sniffed = filetype.guess(data)
    if sniffed:
        return f"{sniffed.extension.upper()} ({sniffed.mime})"
    head = data[:2048]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return _("binario non riconosciuto")
    if text.lstrip().startswith("<"):
        return _("testo HTML o XML")
    return _("testo semplice")


def _not_a(name: str, kind: str, found: str) -> DocumentError:
    return DocumentError(
        _("Il file «%(name)s» non è %(format)s: il contenuto è di tipo %(found)s.")
        % {"name": name, "format": _labels()[kind], "found": found},
        field="file",
    )


def _malformed(name: str, kind: str) -> DocumentError:
    return DocumentError(
        _(
            "Il file «%(name)s» sembra %(format)s ma è danneggiato o incompleto: "
            "salvarlo di nuovo dal programma d'origine e riprovare."
        )
        % {"name": name, "format": _labels()[kind]},
        field="file",
    )


def _keep(text: str) -> str:
    # PostgreSQL refuses NUL in text columns; extracted text may contain it.
    return text.replace("\x00", "")[:MAX_TEXT].strip()


# --- PDF --------------------------------------------------------------------------------------


def _read_pdf(name: str, data: bytes, layer: int) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                # AES without the optional cryptography package: the structure has been read.
                logger.info("encrypted PDF not indexed: %s", name)
                return ""
            if not opened:
                raise DocumentError(
                    _(
                        "Il PDF «%(name)s» è protetto da password: allegarne una copia "
                        "senza protezione."
                    )
                    % {"name": name},
                    field="file",
                )
        pages = list(reader.pages)
        if not pages:
            raise _malformed(name, PDF)
    except DocumentError:
        raise
    except Exception:  # any parser failure on untrusted bytes means "not a readable PDF"
        raise _malformed(name, PDF) from None
    text, length = [], 0
    try:
        for page in pages[:MAX_TEXT_PAGES]:
            text.append(page.extract_text() or "")
            length += len(text[-1])
            if length > MAX_TEXT:
                break
    except Exception:  # text is for search only: a page it cannot read does not block
        logger.warning("text of PDF %s extracted up to page %s", name, len(text), exc_info=True)
    return _keep("\n".join(text))


# --- ZIP-based documents: ODT and DOCX --------------------------------------------------------


def _open_zip(name: str, data: bytes, kind: str) -> zipfile.ZipFile:
    """Open an archive after measuring it from its directory: members, size, compression."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _malformed(name, kind) from None
    total = sum(m.file_size for m in members)
    ratio = max(
        (m.file_size // max(m.compress_size, 1) for m in members if m.file_size > RATIO_FROM),
        default=0,
    )
    if len(members) > MAX_MEMBERS:
        reason = _("%(n)s elementi (al massimo %(max)s)") % {"n": len(members), "max": MAX_MEMBERS}
    elif total > MAX_UNCOMPRESSED:
        reason = _("%(mb)s MB una volta decompresso (al massimo %(max)s)") % {
            "mb": total // (1024 * 1024),
            "max": MAX_UNCOMPRESSED // (1024 * 1024),
        }
    elif ratio > MAX_RATIO:
        reason = _("una parte si espande %(ratio)s volte (al massimo %(max)s)") % {
            "ratio": ratio,
            "max": MAX_RATIO,
        }
    else:
        reason = None
    if reason:
        raise DocumentError(
            _("Il file «%(name)s» è un archivio anomalo e non è stato aperto: %(reason)s.")
            % {"name": name, "reason": reason},
            field="file",
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise DocumentError(
            _("Il file «%(name)s» contiene parti cifrate: allegarne una copia senza password.")
            % {"name": name},
            field="file",
        )
    _check_xml_members(name, archive, kind)
    return archive


def _check_xml_members(name: str, archive: zipfile.ZipFile, kind: str) -> None:
    """Every XML part must be well formed and declare no DTD or entity (XXE, entity bombs)."""
    for member in archive.infolist():
        if not XML_MEMBER.search(member.filename):
            continue
        try:
            with archive.open(member) as stream:
                for _event, element in SafeXML.iterparse(stream, forbid_dtd=True):
                    element.clear()
        except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
            raise DocumentError(
                _(
                    "Il file «%(name)s» contiene dichiarazioni XML non ammesse "
                    "(<!DOCTYPE o <!ENTITY in «%(part)s»)."
                )
                % {"name": name, "part": member.filename},
                field="file",
            ) from None
        except (SafeXML.ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise _malformed(name, kind) from None


def _member(archive: zipfile.ZipFile, part: str, limit: int = 1024 * 1024) -> bytes | None:
    try:
        info = archive.getinfo(part)
    except KeyError:
        return None
    return archive.read(info) if info.file_size <= limit else None


def _read_odt(name: str, data: bytes, layer: int) -> str:
    archive = _open_zip(name, data, ODT)
    mimetype = (_member(archive, "mimetype", 200) or b"").strip().decode("ascii", "replace")
    if mimetype != ODT_MIME:
        raise _not_a(name, ODT, mimetype or "ZIP (application/zip)")
    if not {"content.xml", "META-INF/manifest.xml"} <= set(archive.namelist()):
        raise _malformed(name, ODT)
    try:
        document = load_odf(io.BytesIO(data))
        return _keep("\n".join(_odf_paragraphs(document.text)))
    except Exception:  # text is for search only
        logger.warning("no text extracted from ODT %s", name, exc_info=True)
        return ""


def _odf_paragraphs(node):
    """Headings and paragraphs in document order, also inside lists, tables and frames."""
    for child in node.childNodes:
        if getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
            yield teletype.extractText(child)
        elif child.nodeType == child.ELEMENT_NODE:
            yield from _odf_paragraphs(child)


def _read_docx(name: str, data: bytes, layer: int) -> str:
    archive = _open_zip(name, data, DOCX)
    types = _member(archive, "[Content_Types].xml")
    if types is None:
        raise _not_a(name, DOCX, "ZIP (application/zip)")
    overrides = {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in SafeXML.fromstring(types, forbid_dtd=True).iter()
        if element.tag.endswith("Override")
    }
    declared = set(overrides.values())
    has_macros = any(n.lower().endswith("vbaproject.bin") for n in archive.namelist())
    if "macroEnabled" in " ".join(declared) or has_macros:
        raise DocumentError(
            _(
                "Il file «%(name)s» contiene macro (documento DOCM): allegare il documento "
                "salvato come DOCX senza macro, oppure in PDF."
            )
            % {"name": name},
            field="file",
        )
    if DOCX_MAIN not in declared:
        main = next((t for t in sorted(declared) if t.endswith(".main+xml")), "ZIP")
        raise _not_a(name, DOCX, main)
    main_parts = {part for part, type_ in overrides.items() if type_ == DOCX_MAIN}
    if not main_parts <= set(archive.namelist()):
        raise _malformed(name, DOCX)
    try:
        word = WordDocument(io.BytesIO(data))
        paragraphs = [p.text for p in word.paragraphs]
        cells = [c.text for table in word.tables for row in table.rows for c in row.cells]
        return _keep("\n".join(paragraphs + cells))
    except Exception:  # text is for search only
        logger.warning("no text extracted from DOCX %s", name, exc_info=True)
        return ""


# --- Signed envelopes: P7M (CAdES) ------------------------------------------------------------


def _read_p7m(name: str, data: bytes, layer: int) -> str:
    """The signed content must itself be an allowed file; its name is the envelope's minus
    ".p7m". The signatures are not verified here (no trust list): the file is kept as signed."""
    if layer >= MAX_SIGNATURE_LAYERS:
        raise _malformed(name, P7M)
    inner = _signed_content(name, data)
    inner_name = name[: -len(".p7m")] or "documento"
    if not PurePosixPath(inner_name).suffix:
        # "firma.p7m": the envelope does not say what it holds, the content does.
        sniffed = filetype.guess(inner)
        suffix = SUFFIXES.get(sniffed.mime if sniffed else None)
        if suffix is None and inner.startswith(b"\x30"):
            suffix = ".p7m"  # an envelope signed again
        if suffix is None:
            raise DocumentError(
                _("Il file firmato «%(name)s» contiene un file di tipo non ammesso: %(found)s.")
                % {"name": name, "found": describe(inner)},
                field="file",
            )
        inner_name += suffix
    try:
        _kind, text = check_file(inner_name, inner, layer + 1)
    except DocumentError as error:
        raise DocumentError(
            _("Nel file firmato «%(name)s»: %(reason)s") % {"name": name, "reason": error.message},
            field="file",
        ) from None
    return text


def _signed_content(name: str, data: bytes) -> bytes:
    der = data
    if not data.startswith(b"\x30"):
        # Some signing tools save the envelope in Base64 (optionally with PEM armour).
        body = re.sub(rb"-----[A-Z0-9 ]+-----|\s", b"", data)
        try:
            der = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise _not_a(name, P7M, describe(data)) from None
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise _not_a(name, P7M, info["content_type"].native)
        signed = info["content"]
        content = signed["encap_content_info"]["content"]
        if len(signed["signer_infos"]) == 0 or content.native is None:
            raise DocumentError(
                _(
                    "Il file «%(name)s» non contiene il documento firmato (firma staccata o "
                    "senza firmatari): allegare il file .p7m completo."
                )
                % {"name": name},
                field="file",
            )
        if not isinstance(content.native, bytes):
            raise _malformed(name, P7M)
        return content.native
    except DocumentError:
        raise
    except Exception:  # asn1crypto parses lazily: any failure means a broken envelope
        raise _not_a(name, P7M, describe(data)) from None


# --- Images -----------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _read_png(name: str, data: bytes, layer: int) -> str:
    """Walk the chunks: lengths and checksums must hold, IHDR first, nothing after IEND."""
    position, first = len(PNG_SIGNATURE), True
    while True:
        header = data[position : position + 8]
        if len(header) < 8:
            raise _malformed(name, PNG)
        length, chunk = int.from_bytes(header[:4], "big"), header[4:]
        end = position + 12 + length
        body, crc = data[position + 8 : end - 4], data[end - 4 : end]
        if len(crc) < 4 or zlib.crc32(chunk + body) != int.from_bytes(crc, "big"):
            raise _malformed(name, PNG)
        if first and (chunk != b"IHDR" or length != 13):
            raise _malformed(name, PNG)
        first, position = False, end
        if chunk == b"IEND":
            break
    if data[position:].strip(b"\x00"):
        raise DocumentError(
            _("L'immagine «%(name)s» contiene dati estranei dopo la fine dell'immagine.")
            % {"name": name},
            field="file",
        )
    return ""


def _read_jpeg(name: str, data: bytes, layer: int) -> str:
    if b"\xff\xd9" not in data[3:]:  # the end-of-image marker
        raise _malformed(name, JPEG)
    return ""


READERS = {
    PDF: _read_pdf,
    ODT: _read_odt,
    DOCX: _read_docx,
    P7M: _read_p7m,
    PNG: _read_png,
    JPEG: _read_jpeg,
}


# --- Storage ----------------------------------------------------------------------------------


def _refuse_duplicate(agreement: Agreement, digest: str, name: str) -> None:
    existing = Document.objects.filter(agreement=agreement, sha256=digest).first()
    if existing is not None:
        raise DocumentError(
            _("Il file «%(name)s» è già allegato a questa intesa, come «%(title)s».")
            % {"name": name, "title": existing.title},
            field="file",
        )


def _store(document: Document, data: bytes) -> None:
    """Write the file under MEDIA_ROOT (the name comes from the hash: see document_path).

    A failed write (disk full…) leaves no partial file and becomes a message, not an error 500.
    """
    field = document.file.field
    storage = field.storage
    # The name the storage will pick (upload_to ignores the one given): known, to clean up.
    name = storage.get_available_name(
        field.generate_filename(document, ""), max_length=field.max_length
    )
    try:
        document.file.save(name, ContentFile(data), save=False)
    except OSError:
        logger.exception("document not stored: %s", name)
        if storage.exists(name):
            storage.delete(name)
        raise DocumentError(
            _(
                "Il file non si è potuto salvare per un problema del server: riprovare più "
                "tardi; se il problema continua, avvisare l'assistenza."
            ),
            field="file",
        ) from None
