"""Dates read as Italian writes them: month names in lower case."""

import datetime

from django.template import Context, Template
from django.utils import translation

DAY = datetime.date(2017, 2, 22)


def render(language):
    with translation.override(language):
        return Template('{{ day|date:"j F Y" }}').render(Context({"day": DAY}))


def test_italian_month_names_are_written_in_lower_case():
    assert render("it") == "22 febbraio 2017"


def test_english_month_names_keep_their_capital():
    assert render("en") == "22 February 2017"
