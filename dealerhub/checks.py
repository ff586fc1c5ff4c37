"""Checks `manage.py check --deploy` runs before a production start (`make serve`)."""

from django.conf import settings
from django.core import checks

# Django's own measure of a key too weak to sign sessions and password-reset links with.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_real(app_configs, **kwargs):
    """Django only warns of a weak SECRET_KEY (security.W009); a production start refuses it,
    since anyone who can guess it can forge a signed-in session."""
    key = settings.SECRET_KEY
    if (
        len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith("django-insecure-")
        and "insecure" not in key
    ):
        return []
    return [
        checks.Error(
            "SECRET_KEY is too short or a placeholder: sessions and signed links could be forged.",
            hint=(
                "Set SECRET_KEY to a random value of 50 or more characters, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
            ),
            id="dealerhub.E001",
        )
    ]
