from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ChatChannel


class ChatChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Chat app"), choices=ChatChannel.Kind.choices)
    url = forms.CharField(
        label=_("Robot webhook URL"),
        max_length=1000,
        help_text=_("Copy it from the group robot's settings in the chat app; it starts with https://."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        help_text=_("Only for DingTalk and Feishu robots with signing turned on."),
    )


class TeamChannelForm(ChatChannelForm):
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)
