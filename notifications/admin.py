"""Admin: webhook endpoints (with a "send test event" action) and the delivery logs of webhooks and chat robots."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdminMixin
from outbound.webhooks import Event

from .chat import chat_delivery_retry
from .models import ChatChannel, ChatDelivery, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .services import validate_outbound_url, webhook_endpoint_save, webhook_test_event

EVENT_CHOICES = [(e.value, e.value) for e in Event if e is not Event.PING]


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    secret = forms.CharField(
        label=_("secret"), max_length=200, help_text=_("Receivers check X-CLM-Signature (HMAC-SHA256) with it.")
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        validate_outbound_url(url)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "url", "active", "created_at")
    list_filter = ("active",)
    actions = ("send_test_event",)

    def save_model(self, request, obj, form, change):
        webhook_endpoint_save(endpoint=obj)

    @admin.action(description=_("Send a test event (ping)"))
    def send_test_event(self, request, queryset):
        count = webhook_test_event(endpoints=list(queryset))
        self.message_user(
            request, _("A test event is on its way to %(count)d endpoint(s); see the delivery log.") % {"count": count}
        )


class ReadOnlyLogAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyLogAdmin):
    list_display = ("event", "endpoint", "status", "response_code", "attempts", "created_at", "sent_at")
    list_filter = ("status", "event", "endpoint")
    search_fields = ("delivery_id", "dedupe_key")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]


@admin.register(ChatDelivery)
class ChatDeliveryAdmin(ReadOnlyLogAdmin):
    list_display = ("obligation", "channel", "offset", "status", "response_code", "attempts", "sent_at")
    list_filter = ("status", "channel__kind")
    readonly_fields = [f.name for f in ChatDelivery._meta.fields]
    actions = ("retry_selected",)

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry_selected(self, request, queryset):
        for delivery in queryset.filter(status=DeliveryStatus.FAILED):
            chat_delivery_retry(delivery=delivery)


@admin.register(ChatChannel)
class ChatChannelAdmin(ReadOnlyLogAdmin):
    list_display = ("kind", "user", "contract", "language", "created_at")
    list_filter = ("kind",)
    exclude = ("secret",)
