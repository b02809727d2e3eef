"""A report table's cells as the page shows them, and the user's saved views in the menu."""

from django import template

from core.formatting import amount, money

from ..saved_views import saved_views_of

register = template.Library()


@register.simple_tag
def report_cell(column, row) -> str:
    value = row.get(column.key)
    if value is None:
        return "—"
    if column.kind == "money":
        return money(value, row.get("currency") or "CNY")
    if column.kind == "pct":
        return f"{amount(value, places=1)}%"
    return str(value)


@register.simple_tag(takes_context=True)
def saved_views_menu(context):
    """The signed-in user's saved register views, for the menu (one query per page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return list(saved_views_of(user).only("pk", "name", "query")[:20]) if user is not None else []
