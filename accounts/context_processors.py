from .models import Notification
from .roles import roles_for


def roles(request):
    if not hasattr(request, "user"):
        return {}
    current = roles_for(request)
    unread = 0
    if current.person is not None:
        unread = Notification.objects.filter(recipient=current.person, read_at__isnull=True).count()
    return {"roles": current, "unread_count": unread}
