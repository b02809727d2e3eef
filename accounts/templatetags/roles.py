"""Role groups by their translated names: ``{% load roles %}``, ``{{ group|role_label }}``, ``{{ user|role_list }}``."""

from django import template

from accounts.models import role_label as _role_label
from accounts.models import role_labels
from core.formatting import join_list

register = template.Library()


@register.filter
def role_label(group) -> str:
    """A group (or a group name) as people call the role: 采购经理, not procurement_manager."""
    return _role_label(getattr(group, "name", group) or "")


@register.filter
def role_list(user) -> str:
    """The user's roles, translated and joined as a list (采购经理、法务)."""
    return join_list(role_labels(user)) if getattr(user, "is_authenticated", False) else ""
