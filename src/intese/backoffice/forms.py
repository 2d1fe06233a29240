from django import forms
from django.utils.translation import gettext_lazy as _

from intese.actors.models import Organisation


class OrganisationContactsForm(forms.ModelForm):
    """Shape only: the service validates and saves. `version` guards against lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Organisation
        fields = ["ipa_code", "codice_fiscale", "partita_iva", "website", "pec"]
        help_texts = {"pec": _("Posta elettronica certificata dell'ente.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def validate_unique(self):
        """Uniqueness is checked by the service inside its transaction."""
