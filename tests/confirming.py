"""Reading the page a final action answers with before it acts, and sending its form back as a
browser without scripts would."""

import html
import re

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirmation_form(response) -> tuple[str, list[tuple[str, str]]]:
    """(where the confirmation page's form posts, its fields), from the page."""
    page = response.content.decode()
    form = page.split('class="card confirm-step"', 1)[1].split("</form>", 1)[0]
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', form).group(1))
    fields = [(name, html.unescape(value)) for name, value in HIDDEN.findall(form)]
    return action, fields


def confirm(client, response, **extra):
    """Press the confirmation page's button."""
    action, fields = confirmation_form(response)
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return client.post(action, data, **extra)
