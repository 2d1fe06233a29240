"""Reference data, read once per import: no query per row while validating."""

from collections import defaultdict

from django.utils.translation import gettext as _

from intese.actors.models import Organisation
from intese.agreements.models import AgreementKind, Theme
from intese.agreements.spreadsheets.values import Bad, split
from intese.territory.models import Area, AreaKind


class References:
    """The reference data, read once: no query per row while validating."""

    def __init__(self):
        self.kinds = {k.code: k for k in AgreementKind.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.areas = {
            (a.kind, a.code): a for a in Area.objects.only("kind", "code", "name").iterator()
        }
        self.by_ipa, self.by_cf, self.by_name = {}, {}, defaultdict(list)
        for o in Organisation.objects.only("name", "ipa_code", "codice_fiscale").iterator():
            if o.ipa_code:
                self.by_ipa[o.ipa_code.lower()] = o
            if o.codice_fiscale:
                self.by_cf[o.codice_fiscale.upper()] = o
            self.by_name[o.name].append(o)

    def organisation(self, text: str) -> Organisation:
        found = self.by_ipa.get(text.lower()) or self.by_cf.get(text.upper())
        if found:
            return found
        named = self.by_name.get(text, [])
        if len(named) > 1:
            raise Bad(
                _(
                    "Più organizzazioni si chiamano «%(name)s»: indicare il codice IPA o il "
                    "codice fiscale."
                )
                % {"name": text}
            )
        if not named:
            raise Bad(
                _(
                    "Organizzazione sconosciuta: «%(ref)s» (indicare il codice IPA, il codice "
                    "fiscale o la denominazione esatta)."
                )
                % {"ref": text}
            )
        return named[0]

    def kind(self, text: str) -> AgreementKind:
        if text not in self.kinds:
            raise Bad(_("Tipo di intesa sconosciuto: «%(code)s».") % {"code": text})
        return self.kinds[text]

    def theme_list(self, text: str) -> list[Theme]:
        unknown = [code for code in split(text) if code not in self.themes]
        if unknown:
            raise Bad(_("Temi sconosciuti: %(codes)s.") % {"codes": ", ".join(unknown)})
        return [self.themes[code] for code in split(text)]

    def area_list(self, text: str) -> list[Area]:
        areas = []
        for ref in split(text):
            kind, _sep, code = ref.partition(":")
            if kind.strip() not in AreaKind.values or not code.strip():
                raise Bad(
                    _(
                        "«%(ref)s» non indica un'area: scrivere tipo:codice, es. zone:sud-ovest "
                        "o municipality:015146."
                    )
                    % {"ref": ref}
                )
            area = self.areas.get((kind.strip(), code.strip()))
            if area is None:
                raise Bad(_("Area sconosciuta: «%(ref)s».") % {"ref": ref})
            areas.append(area)
        return areas
