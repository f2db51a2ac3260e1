"""The language the app speaks to a person: their profile's choice when signed in, the browser's
(or the language switcher's cookie) for visitors (LocaleMiddleware, which runs before this
middleware). A signed-in person who uses the switcher (Django's set_language) has the choice
saved on their profile too, so it follows them to other devices and to their emails."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .roles import roles_for


class PersonLanguageMiddleware:
    """Speak the signed-in person's language (Person.preferred_language, set in their profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            person = roles_for(request).person
            if person is not None and person.preferred_language:
                try:
                    code = translation.get_supported_language_variant(person.preferred_language)
                except LookupError:
                    code = None
                if code:
                    translation.activate(code)
                    request.LANGUAGE_CODE = code
        response = self.get_response(request)
        if request.method == "POST" and request.path == reverse("set_language"):
            _save_choice(request, response)
        return response


def _save_choice(request, response) -> None:
    """After set_language accepted a language (it set the cookie), keep it on the Person."""
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    user = getattr(request, "user", None)
    # set_language accepts any language Django has words for; the profile keeps only the app's.
    if (cookie is None or cookie.value not in dict(settings.LANGUAGES) or user is None
            or not user.is_authenticated):
        return
    person = roles_for(request).person
    if person is not None and person.preferred_language != cookie.value:
        person.preferred_language = cookie.value
        person.save(update_fields=["preferred_language"])
