"""The exporter's credit code and qualification, as GB 32100-2015 and domain rule C4 state them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from exports.models import Exporter, QualificationList, validate_uscc


@pytest.mark.parametrize(
    "code",
    # Codes printed on real business licences (a Beijing company; Huawei Technologies, Shenzhen).
    ["91110000600037341L", "91440300708461136T"],
)
def test_a_real_credit_code_is_accepted(code):
    validate_uscc(code)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("91440300708461136", "18 characters; this one has 17"),
        ("91440300708461136TT", "this one has 19"),
        ("9144030070846113OT", "has no O"),
        ("91440300708461136A", "should be T"),
    ],
)
def test_a_wrong_credit_code_is_refused_saying_why(code, says):
    with pytest.raises(ValidationError) as refused:
        validate_uscc(code)
    assert says in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_an_exporter_is_qualified_only_inside_its_year(dealer_a):
    exporter = Exporter.objects.create(
        dealer=dealer_a,
        name="Hangzhou Export Co.",
        credit_code="91440300708461136T",
        qualification_list=QualificationList.MOFCOM_ENTERPRISE,
        qualified_from=date(2026, 3, 1),
        qualified_until=date(2027, 2, 28),
    )
    assert not exporter.is_qualified_on(date(2026, 2, 28))
    assert exporter.is_qualified_on(date(2026, 3, 1))
    assert exporter.is_qualified_on(date(2027, 2, 28))
    assert not exporter.is_qualified_on(date(2027, 3, 1))
    assert list(Exporter.objects.qualified_on(date(2027, 2, 28))) == [exporter]
    assert not Exporter.objects.qualified_on(date(2027, 3, 1)).exists()
