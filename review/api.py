"""A contract's review over the API: its findings with their counts, and accepting one with a reason."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ACTION_NOT_ALLOWED_RESPONSE

from .access import access_contract_review
from .selectors import contract_findings, finding_counts
from .serializers import AcceptSerializer, FindingSerializer, ReviewSerializer
from .services import finding_accept


def _review(contract) -> dict:
    findings = contract_findings(contract)
    return {"findings": findings, "counts": finding_counts(findings)}


class ContractReviewView(APIView):
    """The findings of the contract review, accepted ones included, and the open ones counted by severity."""

    @extend_schema(responses={200: ReviewSerializer})
    def get(self, request, contract_pk: int):
        contract = access_contract_review(request.user, contract_pk)
        return Response(ReviewSerializer(_review(contract)).data)


class ContractReviewAcceptView(APIView):
    """Accept an open finding with the reason it is acceptable (a procurement manager or legal)."""

    @extend_schema(request=AcceptSerializer, responses={200: FindingSerializer, 400: ACTION_NOT_ALLOWED_RESPONSE})
    def post(self, request, contract_pk: int):
        contract = access_contract_review(request.user, contract_pk, to="accept")
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = finding_accept(contract=contract, by=request.user, **serializer.validated_data)
        return Response(FindingSerializer(finding).data)
