# ruff: noqa: RUF001 - the formulas use the true multiplication, minus and division signs.
"""How each figure of the reports is computed, in words: shown beside the figures on the page and
in the PDF, and as the "Metodo" sheet of the spreadsheets. The rules are those of
monitoring/status.py, which computes them; keep the two in step."""

from django.utils.translation import gettext as _


def results() -> list[str]:
    return [
        _(
            "Ogni impegno ha un peso, indicato nell'intesa, e uno stato alla data dei dati. "
            "Contano solo i dati accettati dall'ufficio di piano: un impegno senza dati è "
            "«dato mancante», mai zero."
        ),
        _(
            "Avanzamento = somma di (peso × percentuale) degli impegni con dati ÷ somma dei "
            "loro pesi. Copertura = peso degli impegni con dati ÷ peso totale. Una voce del "
            "piano conta gli impegni collegati a essa e a tutte le voci sottostanti; un'intesa "
            "collegata per intero porta tutti i suoi impegni."
        ),
        _(
            "Stato di un gruppo di impegni: concluso se tutto è concluso; dati mancanti se la "
            "copertura è sotto il 50 %; in ritardo se il peso in ritardo supera il 25 % del peso "
            "valutato (peso totale meno quello senza dati); a rischio se il peso in ritardo o a "
            "rischio supera il 25 %; non avviato se nulla è avviato; in linea altrimenti."
        ),
    ]


def commitment_rules() -> list[str]:
    return [
        _("Stato di un impegno alla data D (ultimo stato di avanzamento accettato fino a D):"),
        _("1. concluso: l'avanzamento è al 100 % o l'ufficio lo ha segnato come completato;"),
        _("2. in ritardo: la scadenza è anteriore a D;"),
        _("3. dati mancanti: nessuno stato di avanzamento accettato;"),
        _(
            "4. a rischio: il partner lo dichiara a rischio o in ritardo, oppure la previsione "
            "di completamento supera la scadenza;"
        ),
        _("5. non avviato: l'avanzamento è allo 0 %;"),
        _("6. in linea: negli altri casi."),
        _("Gli impegni annullati e quelli delle intese revocate non contano."),
    ]


def classification() -> list[str]:
    return [
        _(
            "Un obiettivo operativo del DUP conta gli impegni collegati direttamente a esso e "
            "quelli delle voci del piano che attua, con le voci sottostanti. Un Programma e una "
            "Missione contano, una volta sola, gli impegni dei loro obiettivi operativi "
            "dell'anno; le regole di calcolo sono quelle dei risultati."
        )
    ]


def funding() -> list[str]:
    return [
        _(
            "Somma degli importi delle righe di finanziamento delle intese collegate al piano "
            "o agli obiettivi operativi del DUP dell'anno, per fonte; le intese revocate non "
            "contano. Quota = importo della fonte ÷ importo totale. Un'intesa senza righe di "
            "finanziamento è indicata come dato mancante."
        )
    ]


def timing() -> list[str]:
    return [
        _("In ritardo: impegni non conclusi la cui scadenza è anteriore alla data dei dati."),
        _(
            "Previsione oltre la scadenza: dal ritmo tenuto finora, dall'avvio S (dell'impegno, "
            "altrimenti dell'efficacia dell'intesa) all'ultimo dato accettato del giorno R con "
            "p %, il completamento è previsto il giorno R + (R − S) × (100 − p) ÷ p; "
            "l'impegno è segnalato quando quel giorno cade dopo la scadenza."
        ),
        _(
            "Traguardi mancati: traguardi previsti entro la data dei dati e non raggiunti entro "
            "la data prevista (un traguardo raggiunto dopo la data dei dati conta come non "
            "ancora raggiunto)."
        ),
    ]


def procedures() -> list[str]:
    return [
        _(
            "Intese collegate al piano per stato attuale del ciclo di vita; passaggi di stato "
            "registrati nell'anno; atti delle intese datati nell'anno."
        )
    ]


def indicators() -> list[str]:
    return [
        _(
            "Stato di un indicatore, alla data M del suo ultimo valore accettato fino alla data "
            "dei dati: dati mancanti se non ha valori accettati o non ha obiettivi; concluso se "
            "l'ultimo obiettivo è raggiunto (per il verso «da mantenere»: M è successiva "
            "all'ultimo obiettivo e il valore è entro la tolleranza); in ritardo se un "
            "obiettivo previsto entro M non è raggiunto (per «da mantenere»: fuori tolleranza); "
            "a rischio se il valore è sotto la retta che va dall'obiettivo precedente (o dal "
            "valore di partenza) al prossimo obiettivo; in linea altrimenti."
        ),
        _(
            "Sono compresi gli indicatori delle voci del piano, delle intese collegate e dei "
            "loro impegni; il peso di ciascun indicatore è riportato accanto al suo stato."
        ),
    ]


def scope() -> list[str]:
    return [
        _(
            "La relazione considera le intese collegate a una voce del piano o, se è indicato "
            "il DUP, a un suo obiettivo operativo dell'anno; i loro impegni (quelli collegati "
            "singolarmente, o tutti quelli di un'intesa collegata per intero); gli indicatori "
            "delle voci del piano, di quelle intese e di quegli impegni. Tutti i valori sono "
            "calcolati alla data dei dati indicata in testa."
        )
    ]


def all_sections() -> list[tuple[str, list[str]]]:
    return [
        (_("Ambito"), scope()),
        (_("Risultati rispetto agli obiettivi"), results() + commitment_rules()),
        (_("Missioni e programmi del DUP"), classification()),
        (_("Aspetti economico-finanziari"), funding()),
        (_("Tempi di realizzazione rispetto alle previsioni"), timing()),
        (_("Procedure"), procedures()),
        (_("Qualità dei servizi ed effetti socio-economici"), indicators()),
    ]


def for_templates() -> dict[str, list[str]]:
    return {
        "scope": scope(),
        "results": results(),
        "commitment_rules": commitment_rules(),
        "classification": classification(),
        "funding": funding(),
        "timing": timing(),
        "procedures": procedures(),
        "indicators": indicators(),
    }
