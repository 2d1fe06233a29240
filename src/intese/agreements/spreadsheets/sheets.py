"""The six sheets of the format, in their order: the columns people fill and export reads."""

from django.utils.translation import gettext_lazy

from intese.agreements.models import (
    ActKind,
    CommitmentStatus,
    FundingSource,
    PartyRole,
    Renewal,
    Status,
)
from intese.agreements.spreadsheets.format import (
    DATE_HELP,
    ORGANISATION_HELP,
    Column,
    Sheet,
    agreement_column,
    example_column,
)

AGREEMENTS = Sheet(
    "Intese",
    gettext_lazy("Una riga per intesa. Se il codice esiste già, la riga aggiorna l'intesa."),
    (
        Column(
            "codice",
            "code",
            "code",
            gettext_lazy("Codice univoco dell'intesa (al massimo 40 caratteri)."),
            required=True,
        ),
        Column("titolo", "title", "text", gettext_lazy("Titolo dell'intesa."), required=True),
        Column("sintesi", "summary", "text", gettext_lazy("Sintesi dei contenuti.")),
        Column(
            "tipo",
            "kind",
            "kind",
            gettext_lazy("Codice del tipo di intesa (es. accordo_pa_art15, protocollo_intesa)."),
            required=True,
        ),
        Column("base_giuridica", "legal_basis", "text", gettext_lazy("Norma di riferimento.")),
        Column(
            "intesa_quadro",
            "parent",
            "agreement",
            gettext_lazy(
                "Codice dell'intesa quadro di riferimento: un'altra riga del file (anche "
                "successiva) o un'intesa già registrata."
            ),
        ),
        Column(
            "stato",
            "status",
            "choice",
            gettext_lazy(
                "Stato attuale. Per una nuova intesa il sistema ripercorre il ciclo di vita "
                "fino a questo stato, con i suoi controlli (atto di approvazione, firme…); "
                "vuoto vale «proposed». Lo stato di un'intesa già registrata non si cambia "
                "da qui."
            ),
            choices=Status,
        ),
        Column(
            "temi",
            "themes",
            "themes",
            gettext_lazy("Codici dei temi, separati da «; »."),
        ),
        Column(
            "ambito",
            "areas",
            "areas",
            gettext_lazy(
                "Aree come tipo:codice separate da «; », es. «zone:sud-ovest; "
                "municipality:015146». Tipi: region, province, metropolitan_city, zone, "
                "municipality; codici ISTAT, o il codice della zona omogenea."
            ),
        ),
        Column(
            "coerenza",
            "coherence_statement",
            "text",
            gettext_lazy(
                "Motivazione della coerenza con il piano strategico: obbligatoria prima "
                "dell'approvazione."
            ),
        ),
        Column(
            "pubblica",
            "is_public",
            "bool",
            gettext_lazy("sì o no: l'intesa compare sul portale pubblico. Vuoto vale sì."),
            default=True,
        ),
        Column("efficace_dal", "effective_from", "date", DATE_HELP),
        Column("scade_il", "expires_on", "date", DATE_HELP),
        Column(
            "rinnovo",
            "renewal",
            "choice",
            gettext_lazy("Rinnovo previsto; vuoto vale «none»."),
            choices=Renewal,
            default=Renewal.NONE,
        ),
        Column(
            "campi_di_esempio",
            "example_fields",
            "list",
            gettext_lazy("Nomi dei campi dal valore illustrativo, separati da «; »."),
        ),
        Column("fonti", "source_note", "text", gettext_lazy("Fonti delle informazioni.")),
    ),
)
PARTIES = Sheet(
    "Parti",
    gettext_lazy("Una riga per ruolo di un'organizzazione in un'intesa."),
    (
        agreement_column(),
        Column("organizzazione", "organisation", "org", ORGANISATION_HELP, required=True),
        Column("ruolo", "role", "choice", gettext_lazy("Ruolo nell'intesa."), True, PartyRole),
        Column(
            "firma_richiesta",
            "signature_required",
            "bool",
            gettext_lazy("sì o no: la parte deve firmare. Vuoto vale sì."),
            default=True,
        ),
        Column(
            "firmata_il",
            "signed_on",
            "date",
            gettext_lazy(
                "Data della firma. Per un'intesa già registrata, una firma nuova viene "
                "registrata come nel modulo (e l'ultima firma richiesta stipula l'intesa)."
            ),
        ),
        example_column(),
    ),
)
ACTS = Sheet(
    "Atti",
    gettext_lazy("Atti che approvano o riguardano un'intesa."),
    (
        agreement_column(),
        Column("tipo", "kind", "choice", gettext_lazy("Tipo di atto."), True, ActKind),
        Column("numero", "number", "text", gettext_lazy("Numero dell'atto.")),
        Column("data", "date", "date", DATE_HELP, required=True),
        Column("ente", "issuer", "org", ORGANISATION_HELP),
        Column("oggetto", "title", "text", gettext_lazy("Oggetto dell'atto.")),
        Column(
            "approva",
            "approves",
            "bool",
            gettext_lazy("sì se l'atto approva il testo dell'intesa. Vuoto vale no."),
            default=False,
        ),
        Column("pubblicato_dal", "published_from", "date", DATE_HELP),
        Column("pubblicato_al", "published_to", "date", DATE_HELP),
        Column("indirizzo", "url", "text", gettext_lazy("Indirizzo web dell'atto.")),
        example_column(),
    ),
)
COMMITMENTS = Sheet(
    "Impegni",
    gettext_lazy("Impegni delle parti, numerati 1, 2, 3… all'interno di ogni intesa."),
    (
        agreement_column(),
        Column(
            "numero",
            "position",
            "int",
            gettext_lazy(
                "Posizione dell'impegno nell'intesa (1..n). Un numero già registrato aggiorna "
                "quell'impegno; i nuovi seguono l'ultimo senza salti."
            ),
            required=True,
        ),
        Column("impegno", "title", "text", gettext_lazy("Che cosa si fa."), required=True),
        Column("descrizione", "description", "text", gettext_lazy("Descrizione.")),
        Column(
            "responsabile",
            "responsible",
            "org",
            gettext_lazy("Organizzazione responsabile: deve essere parte dell'intesa."),
            required=True,
        ),
        Column("scadenza", "due_on", "date", DATE_HELP),
        Column(
            "stato",
            "status",
            "choice",
            gettext_lazy("Stato; vuoto vale «planned»."),
            choices=CommitmentStatus,
            default=CommitmentStatus.PLANNED,
        ),
        example_column(),
    ),
)
MILESTONES = Sheet(
    "Traguardi",
    gettext_lazy("Traguardi datati di un impegno."),
    (
        agreement_column(),
        Column(
            "numero_impegno",
            "commitment",
            "int",
            gettext_lazy("Numero dell'impegno (colonna numero del foglio Impegni)."),
            required=True,
        ),
        Column("traguardo", "title", "text", gettext_lazy("Traguardo."), required=True),
        Column("previsto_il", "due_on", "date", DATE_HELP, required=True),
        Column("raggiunto_il", "reached_on", "date", DATE_HELP),
        example_column(),
    ),
)
FUNDING = Sheet(
    "Finanziamenti",
    gettext_lazy("Risorse per l'intesa, per fonte."),
    (
        agreement_column(),
        Column("fonte", "source", "choice", gettext_lazy("Fonte."), True, FundingSource),
        Column("descrizione", "description", "text", gettext_lazy("Descrizione.")),
        Column(
            "importo",
            "amount",
            "decimal",
            gettext_lazy("Euro, con punto o virgola per i decimali (es. 1250000,50)."),
            required=True,
        ),
        Column(
            "cup",
            "cup",
            "upper",
            gettext_lazy("Codice Unico di Progetto, 15 caratteri (es. J41B21000000001)."),
        ),
        Column(
            "missione_pnrr",
            "pnrr_mission",
            "upper",
            gettext_lazy("Da M1 a M6, oppure M7 (REPowerEU); solo per fonte pnrr. Es. M5."),
        ),
        Column(
            "componente_pnrr",
            "pnrr_component",
            "upper",
            gettext_lazy("Componente della missione. Es. C2 oppure M5C2."),
        ),
        Column("investimento_pnrr", "pnrr_investment", "code", gettext_lazy("Es. 2.1.")),
        example_column(),
    ),
)
SHEETS = (AGREEMENTS, PARTIES, ACTS, COMMITMENTS, MILESTONES, FUNDING)
SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}
CHILD_SHEETS = (PARTIES, ACTS, COMMITMENTS, MILESTONES, FUNDING)
