"""The files of the reports: PDF from the pages' own templates, ODS and XLSX tables.

The PDF is WeasyPrint's rendering of the same body templates as the HTML pages, in a print
page with its stylesheet inline; it fetches nothing from the network (only data: URLs, for the
charts) and takes its fonts from the system.
"""

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from intese.agreements.spreadsheets.ods_writer import OdsWriter
from intese.agreements.spreadsheets.writers import XlsxWriter
from intese.core.spreadsheets import neutralise
from intese.reports import method

WRITERS = {"ods": OdsWriter, "xlsx": XlsxWriter}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def pdf(body_template: str, context: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "reports/print.html",
        {**context, "body_template": body_template, "body_name": settings.INTESE_BODY_NAME},
    )
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


def spreadsheet(tables, fmt: str) -> bytes:
    """`tables` are (sheet name, headers, rows): one sheet each, built in memory."""
    buffer = io.BytesIO()
    writer = WRITERS[fmt](buffer)
    for name, headers, rows in tables:
        writer.add_sheet(name, headers, (neutralise(list(row)) for row in rows), None)
    writer.close()
    return buffer.getvalue()


# The yearly report as tables ---------------------------------------------------------------


def _figure_cells(figure) -> list:
    return [
        figure.progress,
        figure.coverage_percent,
        str(figure.status_label) if figure.has_commitments else _("nessun impegno"),
        figure.count,
        figure.total_weight,
        figure.weight_with_data,
        figure.weighted_percent,
        *[share.weight for share in figure.shares],
    ]


def _figure_headers(report) -> list:
    return [
        _("Avanzamento (%)"),
        _("Copertura (%)"),
        _("Stato"),
        _("Impegni"),
        _("Peso totale"),
        _("Peso con dati"),
        _("Somma peso × %"),  # noqa: RUF001
        *[_("Peso: %(status)s") % {"status": s.label} for s in report.whole.shares],
    ]


def _summary(report) -> tuple:
    t, f, i = report.timing, report.funding, report.indicators
    rows = [
        (_("Piano"), str(report.plan)),
        (_("DUP"), str(report.document) if report.document else _("non indicato")),
        (_("Anno"), report.year),
        (_("Dati al"), report.as_of),
        (_("Avanzamento dell'intero piano (%)"), report.whole.progress),
        (_("Copertura (%)"), report.whole.coverage_percent),
        (_("Stato"), str(report.whole.status_label)),
        (_("Impegni considerati"), report.whole.count),
        (_("Impegni in scadenza nell'anno"), t.due_in_year),
        (_("di cui conclusi"), t.done_in_year),
        (_("Impegni in ritardo"), len(t.late)),
        (_("Impegni con previsione oltre la scadenza"), len(t.forecast_late)),
        (_("Impegni senza dati"), t.without_data),
        (_("Traguardi previsti nell'anno"), t.milestones_due_in_year),
        (_("Traguardi mancati"), len(t.milestones_missed)),
        (_("Finanziamenti delle intese collegate (euro)"), f.total),
        (_("Intese senza finanziamenti registrati"), f.unfunded),
        (_("Indicatori"), len(i.rows)),
    ]
    return _("Sintesi"), [_("Voce"), _("Valore")], rows


def _results(report) -> tuple:
    rows = [("", _("Intero piano"), "", *_figure_cells(report.whole))]
    rows += [
        (row.item.code, row.item.title, str(row.item.level_name), *_figure_cells(row.figure))
        for row in report.items
    ]
    headers = [_("Codice"), _("Voce"), _("Livello"), *_figure_headers(report)]
    return _("Risultati"), headers, rows


def _classification(report) -> tuple:
    levels = {"mission": _("Missione"), "programme": _("Programma"), "objective": _("Obiettivo")}
    rows = [
        (str(levels[r.level]), r.code, r.name, r.plan_items, *_figure_cells(r.figure))
        for r in report.classification
    ]
    headers = [_("Livello"), _("Codice"), _("Nome"), _("Voci del piano"), *_figure_headers(report)]
    return _("Missioni e programmi"), headers, rows


def _funding(report) -> tuple:
    f = report.funding
    rows = [
        (_("Fonte"), str(s.label), "", "", s.total, s.share, s.lines, s.agreements)
        for s in f.sources
    ]
    rows.append((_("Totale"), "", "", "", f.total, 100 if f.total else None, "", ""))
    rows += [
        (_("Intesa"), a.code, a.title, str(a.get_status_display()), a.planned_expenditure)
        for a in f.agreements
    ]
    headers = [
        _("Riga"),
        _("Fonte o intesa"),
        _("Titolo"),
        _("Stato"),
        _("Importo (euro)"),
        _("Quota (%)"),
        _("Righe di finanziamento"),
        _("Intese"),
    ]
    return _("Finanziamenti"), headers, rows


def _timing(report) -> tuple:
    t = report.timing

    def commitment(kind, r):
        return (
            kind,
            r.agreement_code,
            r.title,
            r.responsible,
            r.due_on,
            r.percent,
            r.reported_on,
            r.forecast,
            str(r.get_status_display()),
        )

    rows = [commitment(_("Impegno in ritardo"), r) for r in t.late]
    rows += [commitment(_("Previsione oltre la scadenza"), r) for r in t.forecast_late]
    rows += [
        (
            _("Traguardo mancato"),
            m.agreement_code,
            m.title,
            m.commitment,
            m.due_on,
            None,
            None,
            m.reached_on,
            _("raggiunto in ritardo") if m.reached_on else _("non raggiunto"),
        )
        for m in t.milestones_missed
    ]
    headers = [
        _("Segnalazione"),
        _("Intesa"),
        _("Impegno o traguardo"),
        _("Responsabile o impegno"),
        _("Scadenza"),
        _("Avanzamento (%)"),
        _("Data del dato"),
        _("Previsione o raggiungimento"),
        _("Stato"),
    ]
    return _("Tempi"), headers, rows


def _procedures(report) -> tuple:
    p = report.procedures
    rows = [(_("Intese per stato"), str(r.label), r.count, "", "", "") for r in p.by_status]
    rows += [
        (_("Passaggi di stato nell'anno"), str(r.label), r.count, "", "", "") for r in p.transitions
    ]
    rows += [(_("Atto"), str(act), "", act.agreement.code, act.date, act.title) for act in p.acts]
    headers = [_("Voce"), _("Descrizione"), _("Numero"), _("Intesa"), _("Data"), _("Oggetto")]
    return _("Procedure"), headers, rows


def _indicators(report) -> tuple:
    rows = [
        (
            r.code,
            r.name,
            r.subject,
            r.owner,
            r.unit,
            str(r.direction_label),
            r.baseline_value,
            r.baseline_on,
            r.value,
            r.measured_on,
            r.next_value,
            r.next_on,
            r.final_value,
            r.final_on,
            r.weight,
            str(r.status_label),
        )
        for r in report.indicators.rows
    ]
    headers = [
        _("Codice"),
        _("Indicatore"),
        _("Riferito a"),
        _("Responsabile"),
        _("Unità di misura"),
        _("Verso"),
        _("Valore di partenza"),
        _("Data di partenza"),
        _("Ultimo valore"),
        _("Data dell'ultimo valore"),
        _("Prossimo obiettivo"),
        _("Entro il"),
        _("Obiettivo finale"),
        _("Entro il (finale)"),
        _("Peso"),
        _("Stato"),
    ]
    return _("Indicatori"), headers, rows


def _method() -> tuple:
    rows = [(str(title), text) for title, texts in method.all_sections() for text in texts]
    return _("Metodo"), [_("Sezione"), _("Come si calcola")], rows


def yearly_tables(report) -> list[tuple]:
    return [
        _summary(report),
        _results(report),
        _classification(report),
        _funding(report),
        _timing(report),
        _procedures(report),
        _indicators(report),
        _method(),
    ]
