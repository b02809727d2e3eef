"""Who else may see or change a contract, over the API."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.selectors import (
    contract_shares,
)
from contracts.serializers import (
    ShareSerializer,
    SharesSerializer,
    ShareWithGroupSerializer,
    ShareWithUserSerializer,
)
from contracts.services.sharing import contract_share

from .common import ContractChildMixin


class ContractShareView(ContractChildMixin, APIView):
    """Who else may see or change the contract. The owner or a manager shares it with a user or a group."""

    @extend_schema(responses={200: SharesSerializer})
    def get(self, request, contract_pk: int):
        return Response(SharesSerializer(contract_shares(self.contract)).data)

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="Share",
            serializers=[ShareWithUserSerializer, ShareWithGroupSerializer],
            resource_type_field_name=None,
        ),
        responses={200: SharesSerializer},
    )
    def post(self, request, contract_pk: int):
        serializer = ShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract_share(contract=self.contract, by=request.user, **serializer.validated_data)
        return Response(SharesSerializer(contract_shares(self.contract)).data)
