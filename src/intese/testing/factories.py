"""factory_boy factories for tests and benchmarks."""

import factory

from intese.actors.models import Organisation, OrganisationKind
from intese.territory.models import Area, AreaKind, ZoneMembership


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    kind = AreaKind.MUNICIPALITY
    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"Comune di prova {n}")
    population = 1000
    population_year = 2023


class ZoneMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ZoneMembership

    municipality = factory.SubFactory(MunicipalityFactory)
    evidence = "example"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ASSOCIATION
    name = factory.Sequence(lambda n: f"Associazione di esempio {n}")
