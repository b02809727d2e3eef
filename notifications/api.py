"""The caller's own settings (`me/`: their chat channels) and a contract's team chat channel, over the API."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.api.common import ContractChildMixin

from .models import ChatChannel
from .serializers import MeSerializer, TeamChannelAnswerSerializer, TeamChannelSerializer
from .services import chat_channels_replace, contract_channel_clear, contract_channel_set


def _me(user) -> dict:
    return {"username": user.username, "language": user.language, "chat_channels": list(user.chat_channels.all())}


class MeView(APIView):
    """The caller's own settings. PATCH `chat_channels` replaces the whole list of their chat robots (secrets are
    write-only: send them again with the list)."""

    parser_classes = [JSONParser]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(_me(request.user)).data)

    @extend_schema(
        request=MeSerializer,
        responses={
            200: MeSerializer,
            400: OpenApiResponse(description="A channel is incomplete, or its URL is refused (not https, not public)."),
        },
    )
    def patch(self, request):
        # Not partial: each channel sent must be whole (kind and url); leaving chat_channels out changes nothing.
        serializer = MeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "chat_channels" in serializer.validated_data:
            chat_channels_replace(user=request.user, channels=serializer.validated_data["chat_channels"])
        return Response(MeSerializer(_me(request.user)).data)


class ContractChatChannelView(ContractChildMixin, APIView):
    """The contract's team chat robot: everyone who sees the contract may read it; those who may change the contract
    set (PUT) or remove (DELETE) it. Its reminders are the contract's, in the channel's language."""

    parser_classes = [JSONParser]

    def _answer(self):
        channel = ChatChannel.objects.filter(contract=self.contract).first()
        return Response(TeamChannelAnswerSerializer({"chat_channel": channel}).data)

    @extend_schema(responses={200: TeamChannelAnswerSerializer})
    def get(self, request, contract_pk: int):
        return self._answer()

    @extend_schema(
        request=TeamChannelSerializer,
        responses={
            200: TeamChannelAnswerSerializer,
            400: OpenApiResponse(description="The URL is refused (not https, not public) or a field is invalid."),
        },
    )
    def put(self, request, contract_pk: int):
        contract = self.contract_to("change")
        serializer = TeamChannelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract_channel_set(contract=contract, by=request.user, **serializer.validated_data)
        return self._answer()

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Removed (also when there was none).")})
    def delete(self, request, contract_pk: int):
        contract_channel_clear(contract=self.contract_to("change"))
        return Response(status=204)
