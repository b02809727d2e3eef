from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ChatChannel
from .services import MAX_CHANNELS_PER_USER, validate_outbound_url


def _url(value: str) -> str:
    try:
        validate_outbound_url(value)
    except DjangoValidationError as refused:
        raise serializers.ValidationError(refused.messages, code=refused.code) from None
    return value


class ChatChannelSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChatChannel.Kind.choices)
    url = serializers.CharField(max_length=1000, validators=[_url], help_text="The robot's webhook URL (https).")
    secret = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="The signing secret (DingTalk, Feishu); never sent back.",
    )
    has_secret = serializers.SerializerMethodField()

    def get_has_secret(self, obj) -> bool:
        return bool(obj.secret if isinstance(obj, ChatChannel) else obj.get("secret"))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)
    chat_channels = ChatChannelSerializer(many=True, max_length=MAX_CHANNELS_PER_USER, required=False)


class TeamChannelSerializer(ChatChannelSerializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text=str(_("The language of the team channel's messages."))
    )


class TeamChannelAnswerSerializer(serializers.Serializer):
    chat_channel = TeamChannelSerializer(allow_null=True)
