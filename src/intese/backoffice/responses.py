"""What every working page does after a form: go on with a message, or show the refusal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def done(request, url: str, message: str):
    """A message for the next page, and there: a client redirect when HTMX asked."""
    messages.success(request, message)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def show_refusal(form, error) -> None:
    """Show a service's refusal (DomainError or ValidationError) on the form: on its field when
    the form has it, else above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error)
    else:
        form.add_error(error.field if error.field in form.fields else None, error.message)
