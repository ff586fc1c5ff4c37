"""A person's own settings on their account: the language their e-mails come in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Language, UserPreferences

EMAIL_LANGUAGES = [("", _("The language of the dealer each e-mail is about")), *Language.choices]


def email_language_of(user) -> str:
    """The language `user` chose for e-mails; "" when they left it to each dealer."""
    preferences = UserPreferences.objects.filter(user=user).first()
    return preferences.language if preferences else ""


class EmailLanguageField(forms.ChoiceField):
    """The offered languages and "the dealer's"; anything else is refused by the field."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("E-mail language"),
            choices=EMAIL_LANGUAGES,
            required=False,
            help_text=_("Reports and digests come in this language."),
            **kwargs,
        )


class EmailLanguageForm(forms.Form):
    language = EmailLanguageField()
