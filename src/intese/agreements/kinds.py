"""The kinds of agreement that Italian public law knows; offices may add others in the admin."""

KINDS = [
    (
        "intesa_quadro",
        "Intesa quadro",
        "",
        True,
        "Cornice entro cui si collocano gli accordi attuativi "
        "(es. art. 1 c. 3 L.R. Lombardia 32/2015).",
    ),
    (
        "convenzione_quadro",
        "Convenzione quadro",
        "art. 30 D.Lgs. 267/2000 (TUEL)",
        True,
        "Convenzione che regola in modo generale funzioni e servizi svolti in modo coordinato.",
    ),
    (
        "accordo_pa_art15",
        "Accordo fra pubbliche amministrazioni",
        "art. 15 L. 241/1990",
        True,
        "Va sottoscritto con firma digitale da ogni parte, a pena di nullità; la data dell'ultima "
        "firma è la data di stipula.",
    ),
    (
        "convenzione_art30",
        "Convenzione tra enti locali",
        "art. 30 D.Lgs. 267/2000 (TUEL)",
        True,
        "Stabilisce fini, durata, forme di consultazione, rapporti finanziari "
        "e obblighi reciproci.",
    ),
    (
        "accordo_programma_art34",
        "Accordo di programma",
        "art. 34 D.Lgs. 267/2000 (TUEL)",
        True,
        "Richiede il consenso unanime; approvato con atto del promotore e pubblicato sul BURL; "
        "ha un collegio di vigilanza.",
    ),
    (
        "protocollo_intesa",
        "Protocollo d'intesa",
        "",
        False,
        "Dichiarazione di intenti, non giuridicamente vincolante, comunque pubblicata.",
    ),
    ("patto", "Patto", "", False, "Impegno condiviso tra soggetti pubblici e privati."),
    (
        "progetto_iti",
        "Progetto ITI (Investimento Territoriale Integrato)",
        "Reg. (UE) 2021/1060, artt. 28-29",
        True,
        "Strumento di finanziamento della politica di coesione e strategia territoriale.",
    ),
    ("altro", "Altro", "", True, ""),
]


def ensure_default_kinds(model) -> None:
    """Create or refresh the default kinds (used by the data migration and by test set-up)."""
    for order, (code, name, basis, binding, description) in enumerate(KINDS):
        model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "legal_basis": basis,
                "binding": binding,
                "description": description,
                "order": order,
            },
        )
