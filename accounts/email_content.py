"""What a message says, in every form it takes: the email's subject, plain-text and HTML parts
(one shared layout with the program's name) and the short plain text the in-app inbox shows.

A message is `templates/emails/<name>-subject.txt`, `-body.txt` and `-body.html`: the bodies hold
only what this message says (no greeting, no footer); `emails/layout.txt` and `layout.html` add
those around every message, allauth's included (accounts/adapter.py). notifications.py decides
who gets what and when; this module only renders.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from django.conf import settings
from django.template import Context, Template
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

# A line that is nothing but a link: the email shows it, the inbox has its own single link.
_LINK_LINE = re.compile(r"^\s*https?://\S+\s*$")


@functools.cache
def _plain() -> Template:
    """Plain-text parts never escape: "employee's" must not arrive as "employee&#x27;s". Built on
    first use: compiling a template at import time would load every template library (some of
    which import the notifications that import this module)."""
    return Template("{% autoescape off %}{% include template %}{% endautoescape %}")


class RenderedMessage(NamedTuple):
    subject: str
    text: str  # the email's plain-text part
    html: str  # the email's HTML part
    inbox: str  # what the in-app inbox shows: the message alone, no links, no footer


def email_language(preferred: str | None) -> str:
    """The app language an email is written in: the person's if the app speaks it (a profile
    may hold one it no longer offers), else the default."""
    try:
        return translation.get_supported_language_variant(preferred or "")
    except LookupError:
        return settings.LANGUAGE_CODE


def render_email(template: str, context: dict, language: str = "en") -> RenderedMessage:
    context = {**context, "program_name": settings.PROGRAM_NAME,
               "site_url": context.get("site_url", settings.SITE_URL)}
    with translation.override(email_language(language)):
        # Plain text like the text part: a subject is never HTML ("O'Brien", not "O&#x27;Brien").
        subject = _render_plain(f"emails/{template}-subject.txt", context)
        content = _render_plain(f"emails/{template}-body.txt", context).strip()
        content_html = render_to_string(f"emails/{template}-body.html", context)
        text = _render_plain("emails/layout.txt", {**context, "content": content})
        html = render_to_string("emails/layout.html",
                                {**context, "content": mark_safe(content_html)})  # noqa: S308
    return RenderedMessage(" ".join(subject.split()), text.strip() + "\n", html,
                           inbox_text(content))


def inbox_text(content: str) -> str:
    """The message without the lines that are only a link (a sentence that introduced one ends
    with a full stop instead of a colon), blank runs folded to one."""
    lines: list[str] = []
    for line in content.splitlines():
        if _LINK_LINE.match(line):
            if lines and lines[-1].endswith(":"):
                lines[-1] = lines[-1][:-1] + "."
            continue
        lines.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def layout_html_around_text(text: str, context: dict) -> str:
    """An HTML part for an email that only has plain text (allauth's): its paragraphs and links
    inside the shared layout, which adds its own signature."""
    text = text.split("\n-- \n")[0]
    return render_to_string("emails/layout.html", {
        **context, "program_name": settings.PROGRAM_NAME, "site_url": settings.SITE_URL,
        "content": mark_safe(urlize(linebreaks(text, autoescape=True))),  # noqa: S308
    })


def _render_plain(template_name: str, context: dict) -> str:
    get_template(template_name)  # a missing template says which one
    return _plain().render(Context({**context, "template": template_name}, autoescape=False))
