"""What the demo is made of: its dealers and people, the brands and models they sell, VINs."""

from inventory import vin as vin_rules
from inventory.models import BodyType, Powertrain, Role

DEMO_PASSWORD = "dealerhub-demo"
# The demo managers' authenticator key (base32), printed with the logins so that anyone can
# add it to an app or run `oathtool --totp -b KEY`. Never a real account's key.
DEMO_TOTP_SECRET = "DEALERHUBDEMOTOTPSECRETKEY234567"
DEMO_AUTHENTICATOR = "Demo authenticator"
VEHICLES_PER_DEALER = 220

# (make, WMI, [(model, powertrain, engine cc, list price in CNY)])
CATALOGUE = [
    (
        "BYD",
        "LGX",
        [
            ("Seal", Powertrain.BEV, None, 179800),
            ("Atto 3", Powertrain.BEV, None, 119800),
            ("Song Plus DM-i", Powertrain.PHEV, 1498, 149800),
            ("Qin Plus DM-i", Powertrain.PHEV, 1498, 99800),
            ("Han EV", Powertrain.BEV, None, 209800),
            ("Dolphin", Powertrain.BEV, None, 99800),
        ],
    ),
    (
        "Geely",
        "L6T",
        [
            ("Galaxy E5", Powertrain.BEV, None, 109800),
            ("Galaxy L7", Powertrain.PHEV, 1499, 138700),
            ("Emgrand", Powertrain.ICE, 1498, 69900),
        ],
    ),
    (
        "Chery",
        "LVV",
        [
            ("Tiggo 8 Pro", Powertrain.ICE, 1598, 119900),
            ("Tiggo 9 C-DM", Powertrain.PHEV, 1499, 169900),
            ("Arrizo 8", Powertrain.ICE, 1598, 99900),
        ],
    ),
    (
        "Great Wall",
        "LGW",
        [
            ("Haval H6 HEV", Powertrain.HEV, 1497, 139800),
            ("Haval H6 PHEV", Powertrain.PHEV, 1497, 149800),
            ("Ora Good Cat", Powertrain.BEV, None, 129800),
        ],
    ),
    (
        "SAIC MG",
        "LSJ",
        [
            ("MG4 EV", Powertrain.BEV, None, 99800),
            ("MG ZS EV", Powertrain.BEV, None, 109800),
            ("MG5", Powertrain.ICE, 1498, 67900),
        ],
    ),
    (
        "GAC",
        "LMG",
        [
            ("Aion S Plus", Powertrain.BEV, None, 139800),
            ("Aion Y Plus", Powertrain.BEV, None, 119800),
            ("Trumpchi E9", Powertrain.PHEV, 1991, 279800),
        ],
    ),
    (
        "Changan",
        "LS5",
        [
            ("Deepal S7", Powertrain.EREV, 1494, 149900),
            ("UNI-K", Powertrain.ICE, 1998, 159900),
            ("Lumin", Powertrain.BEV, None, 49900),
        ],
    ),
]
# How China's tariff reads each model's body (domain rules 5.2): saloons and hatchbacks, MPVs
# as station wagons, and the two-wheel-drive SUVs among the other passenger cars.
WAGONS = {"Trumpchi E9"}
OTHER_BODIES = {
    "Atto 3",
    "Song Plus DM-i",
    "Galaxy E5",
    "Galaxy L7",
    "Tiggo 8 Pro",
    "Tiggo 9 C-DM",
    "Haval H6 HEV",
    "Haval H6 PHEV",
    "MG ZS EV",
    "Aion Y Plus",
    "Deepal S7",
    "UNI-K",
}


def body_type(model):
    if model in WAGONS:
        return BodyType.STATION_WAGON
    return BodyType.OTHER if model in OTHER_BODIES else BodyType.SALOON


COLOURS = ["White", "Black", "Grey", "Silver", "Blue", "Green", "Red"]
DEALERS = [
    ("Hangzhou Xinghe Auto", "hz-xinghe", "Hangzhou", ["BYD", "Geely", "SAIC MG"]),
    ("Ningbo Haitong Motors", "nb-haitong", "Ningbo", ["Great Wall", "Chery", "GAC"]),
    ("Chengdu Tianfu Auto Mall", "cd-tianfu", "Chengdu", ["BYD", "Changan", "GAC", "Geely"]),
]
USERS = [
    # username, full name (first, last), role, dealer codes
    ("manager", ("Jing", "Chen"), Role.MANAGER, ["hz-xinghe", "nb-haitong"]),
    ("manager.cd", ("Yong", "Liu"), Role.MANAGER, ["cd-tianfu"]),
    ("staff.hz", ("Fang", "Wang"), Role.STAFF, ["hz-xinghe"]),
    ("staff.nb", ("Min", "Zhao"), Role.STAFF, ["nb-haitong"]),
    ("staff.cd", ("Tao", "Yang"), Role.STAFF, ["cd-tianfu"]),
]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def make_vin(rng, wmi, model_year):
    vds = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    year_code = vin_rules.YEAR_CODES[(model_year - 1980) % 30]
    plant = rng.choice("ABCDEFGHJK")
    serial = f"{rng.randrange(10**6):06d}"
    return vin_rules.with_check_digit(f"{wmi}{vds}0{year_code}{plant}{serial}")
