"""The demo's dealers, their managers and staff, and the managers' demo authenticator."""

from base64 import b32decode

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from inventory import services as inventory_services
from inventory.models import Dealer, Language, Membership, Role

from .catalogue import DEALERS, DEMO_AUTHENTICATOR, DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS

# The Chengdu dealer's e-mails come in Chinese, the others' in English, unless a person chose.
DEALER_LANGUAGES = {"cd-tianfu": Language.CHINESE}


def seed_dealers() -> dict[str, Dealer]:
    """The demo dealers by code, made on the first run and found on every later one."""
    dealers = {}
    for name, code, city, _makes in DEALERS:
        language = DEALER_LANGUAGES.get(code, Language.ENGLISH)
        dealers[code] = Dealer.objects.filter(code=code).first() or inventory_services.dealer_save(
            dealer=Dealer(code=code, name=name, city=city, language=language)
        )
    return dealers


def seed_users(dealers):
    User = get_user_model()
    managers = inventory_services.managers_group_sync()
    inventory_services.platform_operators_group_sync()
    for username, (first_name, last_name), role, codes in USERS:
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(
                username=username,
                email=f"{username}@dealerhub.local",
                is_staff=role == Role.MANAGER,
            )
        # Certificates name their issuer; a demo made before names were required gets them now.
        if created or not user.get_full_name().strip():
            user.first_name, user.last_name = first_name, last_name
        user = inventory_services.user_save(
            user=user,
            password=DEMO_PASSWORD if created else None,
            groups=[managers] if role == Role.MANAGER else [],
        )
        if role == Role.MANAGER:
            demo_authenticator(user)
        for code in codes:
            if not Membership.objects.filter(user=user, dealer=dealers[code]).exists():
                inventory_services.membership_save(
                    membership=Membership(user=user, dealer=dealers[code], role=role)
                )


def demo_authenticator(user) -> TOTPDevice:
    """The demo manager's authenticator, on the printed key; one, however often seeded."""
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_AUTHENTICATOR,
        defaults={"key": b32decode(DEMO_TOTP_SECRET).hex(), "confirmed": True},
    )
    return device
