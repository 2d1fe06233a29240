"""document_attach: only allowed files whose content matches their name, checked, hashed,
indexed and stored; every refusal leaves the database and the media folder as they were.

The sample files are built here, small and real: a PDF written by hand, ODT and DOCX from odfpy
and python-docx, a CAdES envelope from asn1crypto, a PNG chunk by chunk.
"""

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from asn1crypto import algos, cms, x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from intese.agreements import documents
from intese.agreements.documents import DocumentError, clean_name, document_attach
from intese.agreements.models import AgreementKind, Document
from intese.agreements.services import agreement_create
from intese.testing.files import pdf_bytes

# --- sample files -----------------------------------------------------------------------------


def pdf_of_size(size):
    padding = size - len(pdf_bytes())
    while len(data := pdf_bytes(padding=padding)) != size:
        padding -= len(data) - size  # the offsets in the cross-reference table grew
    return data


def odt_bytes(text="Accordo tra la Città metropolitana e i Comuni della zona"):
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Premesse"))
    document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_bytes(text="Protocollo d'intesa per la rigenerazione urbana"):
    from docx import Document as WordDocument

    document = WordDocument()
    document.add_heading("Art. 1 — Oggetto", level=1)
    document.add_paragraph(text)
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Cronoprogramma"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def p7m_bytes(content: bytes) -> bytes:
    """A CAdES-BES-shaped envelope around `content` (the signature is not a real one)."""
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {
                            "issuer": x509.Name.build({"common_name": "Firma di prova"}),
                            "serial_number": 1,
                        }
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
            "signature": b"\x01" * 256,
        }
    )
    signed = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": cms.ContentInfo({"content_type": "data", "content": content}),
            "signer_infos": [signer],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def png_bytes(trailer=b""):
    """A one-pixel white PNG: signature, IHDR, IDAT, IEND, each chunk with its CRC."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
        + trailer
    )


JPEG = (  # start of image, a JFIF header, end of image: what the checks look at
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_bytes(members: dict, first_stored: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            method = zipfile.ZIP_STORED if name == first_stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return out.getvalue()


def odt_with(content_xml: bytes) -> bytes:
    return zip_bytes(
        {
            "mimetype": documents.ODT_MIME,
            "content.xml": content_xml,
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest/>',
        },
        first_stored="mimetype",
    )


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.fixture
def agreement(people):
    agreement = agreement_create(
        by=people.plan_editor,
        code="CMMI-2025-DOC",
        title="Convenzione per la mobilità sostenibile nella zona Nord Milano",
        kind=AgreementKind.objects.get(code="convenzione_art30"),
    )
    return agreement


def attach(agreement, people, name, data, title="Testo della convenzione"):
    return document_attach(
        agreement=agreement, upload=upload(name, data), title=title, by=people.plan_editor
    )


def refused(agreement, people, media, name, data) -> str:
    """Attach a file that must be refused; nothing may be left behind. Returns the message."""
    rows = Document.objects.count()
    with pytest.raises(DocumentError) as refusal:
        attach(agreement, people, name, data)
    assert Document.objects.count() == rows
    assert stored_files(media) == []
    return refusal.value.message


# --- accepted files ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_is_stored_under_its_hash_with_type_size_and_text(agreement, people, media):
    data = pdf_bytes()
    document = attach(agreement, people, "convenzione.pdf", data)
    digest = hashlib.sha256(data).hexdigest()
    assert document.sha256 == digest and document.size == len(data)
    assert document.content_type == "application/pdf"
    assert document.original_name == "convenzione.pdf"
    assert document.uploaded_by == people.plan_editor
    assert "Convenzione per la mobilità sostenibile" in document.text
    assert document.file.name == f"agreements/{agreement.pk}/{digest}"
    assert stored_files(media) == [f"agreements/{agreement.pk}/{digest}"]
    assert (media / document.file.name).read_bytes() == data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "build", "mime", "text"),
    [
        ("accordo.odt", odt_bytes, documents.ODT_MIME, "Accordo tra la Città metropolitana"),
        ("protocollo.docx", docx_bytes, documents.DOCX_MIME, "rigenerazione urbana"),
        ("PLANIMETRIA.PNG", png_bytes, "image/png", ""),
        ("foto.jpeg", lambda: JPEG, "image/jpeg", ""),
    ],
)
def test_odt_docx_and_images_are_accepted(agreement, people, media, name, build, mime, text):
    document = attach(agreement, people, name, build())
    assert document.content_type == mime
    assert (text in document.text) if text else (document.text == "")
    assert len(stored_files(media)) == 1


@pytest.mark.django_db
def test_odt_and_docx_text_keeps_headings_paragraphs_and_table_cells(agreement, people, media):
    odt = attach(agreement, people, "a.odt", odt_bytes())
    docx = attach(agreement, people, "b.docx", docx_bytes())
    assert odt.text.splitlines() == [
        "Premesse",
        "Accordo tra la Città metropolitana e i Comuni della zona",
    ]
    assert "Art. 1 — Oggetto" in docx.text and "Cronoprogramma" in docx.text


@pytest.mark.django_db
def test_a_signed_p7m_is_kept_whole_and_indexed_by_the_signed_document(agreement, people, media):
    data = p7m_bytes(pdf_bytes("Testo firmato digitalmente"))
    document = attach(agreement, people, "convenzione.pdf.p7m", data)
    assert document.content_type == "application/pkcs7-mime"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert "Testo firmato digitalmente" in document.text
    assert (media / document.file.name).read_bytes() == data


@pytest.mark.django_db
def test_a_p7m_signed_twice_or_without_the_inner_extension_is_read_through(
    agreement, people, media
):
    twice = attach(agreement, people, "atto.docx.p7m.p7m", p7m_bytes(p7m_bytes(docx_bytes())))
    nameless = attach(agreement, people, "firmato.p7m", p7m_bytes(odt_bytes("Senza estensione")))
    assert "rigenerazione urbana" in twice.text
    assert "Senza estensione" in nameless.text


@pytest.mark.django_db
def test_a_base64_p7m_is_accepted(agreement, people, media):
    import base64

    data = base64.encodebytes(p7m_bytes(pdf_bytes("In Base64")))
    assert "In Base64" in attach(agreement, people, "atto.pdf.p7m", data).text


@pytest.mark.django_db
def test_a_pdf_whose_text_cannot_be_extracted_is_still_accepted(agreement, people, media):
    data = pdf_bytes(filters=b"/Filter /UnknownDecode ")
    document = attach(agreement, people, "scansione.pdf", data)
    assert document.text == "" and document.size == len(data)


@pytest.mark.django_db
def test_a_file_of_exactly_20_mb_is_accepted(agreement, people, media):
    data = pdf_of_size(documents.MAX_SIZE)
    assert attach(agreement, people, "grande.pdf", data).size == documents.MAX_SIZE


@pytest.mark.django_db
def test_the_same_file_may_be_attached_to_another_agreement(agreement, people, media):
    other = agreement_create(
        by=people.plan_editor,
        code="CMMI-2025-ALTRA",
        title="Altra intesa",
        kind=AgreementKind.objects.get(code="protocollo_intesa"),
    )
    attach(agreement, people, "a.pdf", pdf_bytes())
    attach(other, people, "a.pdf", pdf_bytes())
    assert Document.objects.filter(sha256=hashlib.sha256(pdf_bytes()).hexdigest()).count() == 2


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anna\\Convenzione firmata.pdf", "Convenzione firmata.pdf"),
        ("atto\x00.pdf", "atto.pdf"),
        ("riga\r\nnuova.pdf", "riganuova.pdf"),
        ("\u202efdp.exe", "fdp.exe"),  # shown as "exe.pdf" by the right-to-left override
        ("", "documento"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_names_lose_folders_and_hidden_characters(given, kept):
    assert clean_name(given) == kept


@pytest.mark.django_db
def test_the_stored_path_never_comes_from_the_uploaded_name(agreement, people, media):
    document = attach(agreement, people, "../../../outside.pdf", pdf_bytes())
    assert document.original_name == "outside.pdf"
    assert stored_files(media) == [f"agreements/{agreement.pk}/{document.sha256}"]


@pytest.mark.django_db
def test_a_right_to_left_override_cannot_disguise_an_executable(agreement, people, media):
    message = refused(agreement, people, media, "\u202efdp.exe", EXE)
    assert "Tipo di file non ammesso: «fdp.exe»" in message


# --- refused files ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("programma.exe", EXE, "Tipo di file non ammesso: «programma.exe»"),
        ("pagina.html", HTML, "Tipo di file non ammesso"),
        ("report.pdf.html", HTML, "Tipo di file non ammesso"),
        ("foglio.xlsx", b"PK\x03\x04", "Tipo di file non ammesso"),
        ("senza-estensione", pdf_bytes(), "Tipo di file non ammesso"),
        (
            "convenzione.docx",
            pdf_bytes(),
            "Il file «convenzione.docx» non è un documento Word DOCX: il contenuto è di tipo "
            "PDF (application/pdf).",
        ),
        (
            "fattura.pdf",
            EXE,
            "Il file «fattura.pdf» non è un PDF: il contenuto è di tipo EXE "
            "(application/x-msdownload).",
        ),
        (
            "mappa.png",
            HTML,
            "Il file «mappa.png» non è un'immagine PNG: il contenuto è di tipo testo HTML o XML.",
        ),
        ("foto.jpg", png_bytes(), "non è un'immagine JPEG: il contenuto è di tipo PNG"),
        ("accordo.odt", docx_bytes(), "non è un documento di testo ODT: il contenuto è di tipo"),
        ("firmato.p7m", pdf_bytes(), "non è un file firmato digitalmente P7M (CAdES)"),
        ("firmato.p7m", b"0 non DER", "non è un file firmato digitalmente P7M (CAdES)"),
    ],
)
def test_files_whose_name_or_content_is_not_allowed_are_refused(
    agreement, people, media, name, data, expected
):
    assert expected in refused(agreement, people, media, name, data)


@pytest.mark.django_db
def test_an_empty_file_is_refused(agreement, people, media):
    assert refused(agreement, people, media, "vuoto.pdf", b"") == "Il file «vuoto.pdf» è vuoto."


@pytest.mark.django_db
def test_a_file_over_20_mb_is_refused_before_being_read(agreement, people, media):
    data = pdf_of_size(documents.MAX_SIZE + 1)
    message = refused(agreement, people, media, "enorme.pdf", data)
    assert message == "Il file «enorme.pdf» supera i 20 MB consentiti."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pdf_bytes()[: len(pdf_bytes()) // 2],  # truncated
        pdf_bytes()[:-20],  # cross-reference pointer cut off
        b"%PDF-1.7\n" + HTML,
    ],
)
def test_a_broken_pdf_is_refused(agreement, people, media, data):
    message = refused(agreement, people, media, "rotto.pdf", data)
    assert "sembra un PDF ma è danneggiato o incompleto" in message


@pytest.mark.django_db
def test_a_password_protected_pdf_is_refused(agreement, people, media):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="segreta", owner_password="segretissima", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    message = refused(agreement, people, media, "protetto.pdf", out.getvalue())
    assert "è protetto da password" in message


@pytest.mark.django_db
def test_a_zip_bomb_renamed_odt_is_refused_without_inflating_it(agreement, people, media):
    bomb = odt_with(b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>")  # 50 MB in ~50 KB
    assert len(bomb) < 100_000
    message = refused(agreement, people, media, "bomba.odt", bomb)
    assert "è un archivio anomalo e non è stato aperto: una parte si espande" in message


@pytest.mark.django_db
def test_an_archive_inflating_beyond_100_mb_in_total_is_refused(agreement, people, media):
    megabyte = b"\x00" * documents.RATIO_FROM  # each part alone is within the ratio rule
    parts = {f"Pictures/{n}.png": megabyte for n in range(101)}
    big = zip_bytes({"mimetype": documents.ODT_MIME, **parts}, first_stored="mimetype")
    message = refused(agreement, people, media, "enorme.odt", big)
    assert message.endswith("101 MB una volta decompresso (al massimo 100).")


@pytest.mark.django_db
def test_an_archive_with_too_many_members_is_refused(agreement, people, media):
    members = {f"Pictures/{n}.xml": b"<a/>" for n in range(documents.MAX_MEMBERS)}
    many = zip_bytes({"mimetype": documents.ODT_MIME, **members}, first_stored="mimetype")
    message = refused(agreement, people, media, "tante.odt", many)
    assert message.endswith("1001 elementi (al massimo 1000).")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "ha">'
        b'<!ENTITY e2 "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]><a>&e2;</a>',
        b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"),
    ],
)
def test_xml_with_a_doctype_or_entities_is_refused(agreement, people, media, payload):
    message = refused(agreement, people, media, "entita.odt", odt_with(payload))
    assert "dichiarazioni XML non ammesse" in message and "content.xml" in message


@pytest.mark.django_db
def test_a_docx_with_a_doctype_in_a_part_is_refused(agreement, people, media):
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    members = {i.filename: source.read(i) for i in source.infolist()}
    members["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "http://example.org/">]>'
        + members["word/document.xml"].split(b"?>", 1)[1]
    )
    message = refused(agreement, people, media, "xxe.docx", zip_bytes(members))
    assert "«word/document.xml»" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("rotto.odt", odt_with(b"<a><b></a>"), "sembra un documento di testo ODT ma è danneggiato"),
        (
            "foglio.odt",
            zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
            "il contenuto è di tipo application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("archivio.docx", zip_bytes({"a.txt": b"x"}), "non è un documento Word DOCX"),
        ("troncato.docx", docx_bytes()[:-200], "sembra un documento Word DOCX ma è danneggiato"),
    ],
)
def test_malformed_odt_and_docx_are_refused(agreement, people, media, name, data, expected):
    assert expected in refused(agreement, people, media, name, data)


@pytest.mark.django_db
def test_a_docx_with_macros_is_refused(agreement, people, media):
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    members = {i.filename: source.read(i) for i in source.infolist()}
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 100
    assert "contiene macro" in refused(agreement, people, media, "m.docx", zip_bytes(members))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "inner", "expected"),
    [
        ("setup.exe.p7m", EXE, "Nel file firmato «setup.exe.p7m»: Tipo di file non ammesso"),
        ("firmato.p7m", EXE, "contiene un file di tipo non ammesso: EXE"),
        ("finto.pdf.p7m", HTML, "«finto.pdf» non è un PDF: il contenuto è di tipo testo HTML"),
        ("rotto.pdf.p7m", pdf_bytes()[:100], "«rotto.pdf» sembra un PDF ma è danneggiato"),
    ],
)
def test_a_p7m_must_wrap_an_allowed_sound_file(agreement, people, media, name, inner, expected):
    assert expected in refused(agreement, people, media, name, p7m_bytes(inner))


@pytest.mark.django_db
def test_a_broken_or_detached_p7m_is_refused(agreement, people, media):
    whole = p7m_bytes(pdf_bytes())
    assert "non è un file firmato" in refused(agreement, people, media, "x.pdf.p7m", whole[:-5])
    envelope = cms.ContentInfo.load(whole)
    envelope["content"]["encap_content_info"] = cms.ContentInfo({"content_type": "data"})
    detached = cms.ContentInfo({"content_type": "signed_data", "content": envelope["content"]})
    message = refused(agreement, people, media, "y.pdf.p7m", detached.dump(force=True))
    assert "non contiene il documento firmato" in message


@pytest.mark.django_db
def test_a_png_with_a_page_hidden_after_the_image_is_refused(agreement, people, media):
    polyglot = png_bytes(trailer=HTML)
    assert "dati estranei dopo la fine" in refused(agreement, people, media, "p.png", polyglot)
    corrupt = bytearray(png_bytes())
    corrupt[20] ^= 0xFF  # inside IHDR: the checksum no longer matches
    assert "danneggiato" in refused(agreement, people, media, "c.png", bytes(corrupt))


@pytest.mark.django_db
def test_a_title_is_required(agreement, people, media):
    with pytest.raises(DocumentError) as refusal:
        attach(agreement, people, "a.pdf", pdf_bytes(), title="   ")
    assert refusal.value.field == "title"
    assert stored_files(media) == []


# --- duplicates and failures ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_file_twice_on_one_agreement_is_refused_with_the_first_title(
    agreement, people, media
):
    first = attach(agreement, people, "convenzione.pdf", pdf_bytes(), title="Testo firmato")
    with pytest.raises(DocumentError) as refusal:
        attach(agreement, people, "copia.pdf", pdf_bytes(), title="Copia")
    assert refusal.value.message == (
        "Il file «copia.pdf» è già allegato a questa intesa, come «Testo firmato»."
    )
    assert list(agreement.documents.all()) == [first]
    assert stored_files(media) == [first.file.name]


@pytest.mark.django_db
def test_if_the_database_write_fails_the_stored_file_is_removed(
    agreement, people, media, monkeypatch
):
    def database_down(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Document, "save", database_down)
    with pytest.raises(OperationalError):
        attach(agreement, people, "a.pdf", pdf_bytes())
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_duplicate_caught_by_the_constraint_is_explained_and_leaves_no_file(
    agreement, people, media, monkeypatch
):
    """Two uploads of the same file at once: the second passes the check, the constraint
    refuses it, and the person still reads the duplicate message."""
    first = attach(agreement, people, "a.pdf", pdf_bytes(), title="Primo")
    real_check, calls = documents._refuse_duplicate, []

    def too_early_to_see_the_other(*args):
        calls.append(args)
        if len(calls) > 1:  # the check before storing runs before the other upload commits
            real_check(*args)

    monkeypatch.setattr(documents, "_refuse_duplicate", too_early_to_see_the_other)
    with pytest.raises(DocumentError) as refusal:
        attach(agreement, people, "b.pdf", pdf_bytes(), title="Secondo")
    assert "è già allegato a questa intesa, come «Primo»" in refusal.value.message
    assert stored_files(media) == [first.file.name]


@pytest.mark.django_db
def test_a_full_disk_leaves_no_partial_file_and_explains(agreement, people, media, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    class FullDisk(FileSystemStorage):
        def _save(self, name, content):
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(b"%PDF-1.4 parzi")
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(Document._meta.get_field("file"), "storage", FullDisk(location=media))
    message = refused(agreement, people, media, "a.pdf", pdf_bytes())
    assert "non si è potuto salvare" in message
