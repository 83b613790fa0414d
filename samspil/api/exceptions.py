from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Every API error is JSON: {"error": {"code": ..., "message": ..., "fields": {...}}}."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):  # so the body says "not_found", not "error" (DRF converts only internally)
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    body = {"code": getattr(exc, "default_code", "error"), "message": "", "fields": {}}
    if isinstance(detail, dict) and "detail" in detail:
        body["message"] = str(detail["detail"])
    elif isinstance(detail, dict):
        body["message"] = "Invalid input."
        body["fields"] = detail
    else:
        body["message"] = " ".join(str(item) for item in detail)
    response.data = {"error": body}
    return response
