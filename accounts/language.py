"""The language the app speaks to a person: their profile's choice when signed in, the browser's
for visitors (LocaleMiddleware, which runs before this middleware)."""

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
        return self.get_response(request)
