from django.conf import settings


def site(request):
    return {
        "body_name": settings.INTESE_BODY_NAME,
        "source_code_url": settings.INTESE_SOURCE_CODE_URL,
        "accessibility_statement_url": settings.INTESE_ACCESSIBILITY_STATEMENT_URL,
    }
