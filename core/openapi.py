"""The OpenAPI schema states the error answers every operation can give, not only its success.

drf-spectacular documents the answers a view declares. The API also answers, for every operation alike: 401 without a
valid token, 403 when the role or the grants on the object do not allow it, 404 for an object the caller may not see
or a page past the end, and 400 for input it refuses. This schema class adds those answers where they apply and
where the view did not describe them itself (a view's own 400, 404 or 409 wins).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated

from .api import ACTION_NOT_ALLOWED_RESPONSE

_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the caller's language."))
    code = serializers.CharField(required=False)


NOT_SIGNED_IN_RESPONSE = OpenApiResponse(ErrorSerializer, description="No token, or one that is not valid.")
FORBIDDEN_RESPONSE = OpenApiResponse(
    ErrorSerializer, description="Signed in, but the role or the grants on this object do not allow it."
)
NOT_FOUND_RESPONSE = OpenApiResponse(
    ErrorSerializer, description="No such object, one the caller may not see, or a page past the last one."
)


class AutoSchema(SpectacularAutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        """A PATCH body's fields are all optional, except those a serializer names in `required_in_patch` (the version
        last read, which every change must carry)."""
        schema = super()._map_basic_serializer(serializer, direction)
        always = [name for name in getattr(serializer, "required_in_patch", ()) if name in schema["properties"]]
        if always and direction == "request":
            schema["required"] = sorted({*schema.get("required", ()), *always})
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _get_filter_parameters(self):
        """The filters read an empty value as no filter at all (as an HTML form sends a field left blank)."""
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        signed_in = bool(self.get_auth())
        unsafe = self.method in _UNSAFE_METHODS
        has_path_object = "{" in self.path
        paginated = self._is_list_view() and self._get_paginator() is not None
        has_query = paginated or bool(self._get_filter_parameters()) or self._has_query_override()
        errors = {}
        if unsafe or has_query:
            errors["400"] = ACTION_NOT_ALLOWED_RESPONSE
        if signed_in:
            errors["401"] = NOT_SIGNED_IN_RESPONSE
            restricted = any(not isinstance(permission, IsAuthenticated) for permission in self.view.get_permissions())
            if unsafe or has_path_object or restricted:
                errors["403"] = FORBIDDEN_RESPONSE
        if has_path_object or paginated:
            errors["404"] = NOT_FOUND_RESPONSE
        return errors

    def _has_query_override(self) -> bool:
        return any(getattr(parameter, "location", None) == "query" for parameter in self.get_override_parameters())
