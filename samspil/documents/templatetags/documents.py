from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samspil.documents.selectors import unread_messages as unread_of

register = template.Library()


@register.simple_tag
def unread_messages(pathway, user) -> int:
    """How many messages of the other side `user` has not read on `pathway` (the staff overview's link, the portal's
    tab): no query when the pathway was loaded with `selectors.unread_messages_annotation`, else one."""
    return unread_of(pathway=pathway, user=user)


@register.filter
def file_size(size) -> str:
    """A size in bytes the Danish way: "820 bytes", "34 kB", "1,2 MB"."""
    if size is None:
        return "–"
    if size < 1024:
        return _("%(size)s bytes") % {"size": size}
    if size < 1024**2:
        return _("%(size)s kB") % {"size": number_format(size / 1024, decimal_pos=0)}
    return _("%(size)s MB") % {"size": number_format(size / 1024**2, decimal_pos=1)}
