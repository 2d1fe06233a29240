"""Organisations of every kind, and the few people the plan needs (mayors, representatives)."""

import unicodedata

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intese.actors.identifiers import (
    validate_codice_fiscale,
    validate_ipa_code,
    validate_partita_iva,
)
from intese.core.models import Validity, ValidityQuerySet, Versioned, WebAddressField
from intese.territory.models import Area, today


class OrganisationKind(models.TextChoices):
    REGION = "region", _("Regione")
    METROPOLITAN_CITY = "metropolitan_city", _("Città metropolitana")
    PROVINCE = "province", _("Provincia")
    MUNICIPALITY = "municipality", _("Comune")
    UNION_OF_MUNICIPALITIES = "union_of_municipalities", _("Unione di Comuni")
    PARTICIPATED_ENTITY = "participated_entity", _("Ente partecipato o società pubblica")
    UNIVERSITY = "university", _("Università")
    FUNCTIONAL_AUTONOMY = "functional_autonomy", _("Autonomia funzionale")
    SOCIAL_PARTNER = "social_partner", _("Parte sociale o rappresentanza di interessi")
    THIRD_SECTOR = "third_sector", _("Ente del terzo settore")
    ASSOCIATION = "association", _("Associazione")
    OTHER = "other", _("Altro")


TERRITORIAL_KINDS = {
    OrganisationKind.REGION,
    OrganisationKind.METROPOLITAN_CITY,
    OrganisationKind.PROVINCE,
    OrganisationKind.MUNICIPALITY,
}


def fold(text: str) -> str:
    """Text for searching: without accents, case-folded ("CITTÀ", "città" → "citta").

    Done in Python, not in SQL, because SQLite folds the case of ASCII letters only and
    PostgreSQL needs an extension to drop accents: both then compare plain lowercase text.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class OrganisationQuerySet(models.QuerySet):
    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(search_name__contains=fold(text))
            | Q(ipa_code__iexact=text)
            | Q(codice_fiscale__iexact=text)
        )

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for organisation in objs:
            organisation.search_name = fold(organisation.name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "name" in fields:
            for organisation in objs:
                organisation.search_name = fold(organisation.name)
            fields = [*fields, "search_name"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if "name" in kwargs and "search_name" not in kwargs:
            if not isinstance(kwargs["name"], str):
                raise ValueError("update(name=…) with an expression: update search_name too")
            kwargs["search_name"] = fold(kwargs["name"])
        return super().update(**kwargs)


class Organisation(Versioned):
    """A body, company or association that takes part in the plan: a party to agreements,
    a reporter of progress, a member of the Forum. Territorial bodies point at their area."""

    kind = models.CharField(_("tipo"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("denominazione"), max_length=300)
    area = models.ForeignKey(
        Area,
        verbose_name=_("territorio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    ipa_code = models.CharField(
        _("codice IPA"),
        max_length=20,
        blank=True,
        validators=[validate_ipa_code],
        help_text=_("Codice dell'Indice dei domicili digitali della PA (IndicePA), es. c_f205."),
    )
    codice_fiscale = models.CharField(
        _("codice fiscale"), max_length=16, blank=True, validators=[validate_codice_fiscale]
    )
    partita_iva = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva]
    )
    website = WebAddressField(_("sito web"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    evidence = models.CharField(_("attendibilità dei codici"), max_length=40, blank=True)
    source_url = WebAddressField(_("indirizzo della fonte"), max_length=500, blank=True)
    search_name = models.CharField(
        _("denominazione per la ricerca"),
        max_length=300,
        default="",
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("La denominazione senza accenti e in minuscolo; calcolata al salvataggio."),
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ipa_code"],
                condition=~Q(ipa_code=""),
                name="organisation_ipa_unique",
                violation_error_message=_("Un'altra organizzazione ha già questo codice IPA."),
            ),
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~Q(codice_fiscale=""),
                name="organisation_cf_unique",
                violation_error_message=_("Un'altra organizzazione ha già questo codice fiscale."),
            ),
            models.UniqueConstraint(
                fields=["kind", "area"],
                condition=Q(kind__in=["region", "metropolitan_city", "province", "municipality"]),
                name="one_territorial_body_per_area",
                violation_error_message=_("Questo territorio ha già il suo ente."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("portal:organisation", args=[self.pk])


class Person(models.Model):
    """A person, kept only where the plan needs one (a mayor, a representative, a signatory)."""

    given_name = models.CharField(_("nome"), max_length=100)
    family_name = models.CharField(_("cognome"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["family_name", "given_name"]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"


class PostQuerySet(ValidityQuerySet):
    def current(self):
        """The posts held today."""
        return self.valid_on(today())


class PostRole(models.TextChoices):
    MAYOR = "mayor", _("Sindaco")
    METROPOLITAN_MAYOR = "metropolitan_mayor", _("Sindaco metropolitano")
    PRESIDENT = "president", _("Presidente")
    COUNCILLOR_DELEGATE = "councillor_delegate", _("Consigliere delegato")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legale rappresentante")
    REPRESENTATIVE = "representative", _("Rappresentante")
    CONTACT = "contact", _("Referente")


class Post(Validity):
    """A person's role in an organisation over a period, e.g. the mayor of a Comune."""

    person = models.ForeignKey(
        Person, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="posts"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    role = models.CharField(_("ruolo"), max_length=30, choices=PostRole.choices)
    note = models.CharField(_("nota"), max_length=300, blank=True)
    evidence = models.CharField(_("attendibilità"), max_length=40, blank=True)
    source_url = WebAddressField(_("indirizzo della fonte"), max_length=500, blank=True)

    objects = PostQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incarico")
        verbose_name_plural = _("incarichi")
        ordering = ["organisation__name", "-valid_from"]
        constraints = [
            Validity.period_constraint("post_valid_period"),
            models.UniqueConstraint(
                fields=["person", "organisation", "role", "valid_from"],
                name="one_post_per_person_role_and_start",
                violation_error_message=_(
                    "Questa persona ha già questo incarico nell'organizzazione da questa data."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()}, {self.organisation}"


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Membro")
    COORDINATOR = "coordinator", _("Coordinatore")
    OBSERVER = "observer", _("Osservatore")


class OrganisationMembership(Validity):
    """An organisation's membership of another over a period (a Comune in a Unione di Comuni,
    an association in a network)."""

    member = models.ForeignKey(
        Organisation, verbose_name=_("membro"), on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        Organisation, verbose_name=_("di"), on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField(
        _("ruolo"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )

    objects = ValidityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adesione")
        verbose_name_plural = _("adesioni")
        constraints = [
            Validity.period_constraint("organisation_membership_valid_period"),
            models.CheckConstraint(
                condition=~Q(member=models.F("group")),
                name="membership_not_of_itself",
                violation_error_message=_("Un'organizzazione non può aderire a se stessa."),
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.group}"
