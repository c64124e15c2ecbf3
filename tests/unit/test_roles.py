"""The role model of issue 17 ("How teams work"): ordered roles, what each may, maker-checker's
three outcomes, nobody deciding their own proposal, and the ITC a proposed action changes."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gstims.domain.roles import (
    MIGRATED_GRANT,
    Capability,
    Handling,
    Role,
    itc_effect,
    may,
    may_decide,
    parse_role,
    route_of_change,
)

ROLES = st.sampled_from([*Role, None])


def test_each_role_may_exactly_what_the_issue_lists():
    table = {role: {c for c in Capability if may(role, c)} for role in Role}
    assert table == {
        Role.VIEWER: {Capability.READ},
        Role.PREPARER: {Capability.READ, Capability.PREPARE},
        Role.APPROVER: {Capability.READ, Capability.PREPARE, Capability.APPROVE},
        Role.ADMIN: set(Capability),
    }
    assert not any(may(None, c) for c in Capability)  # no grant, nothing


@given(ROLES, ROLES, st.sampled_from(Capability))
def test_a_higher_role_may_whatever_a_lower_one_may(low, high, capability):
    if low is not None and high is not None and high.capability >= low.capability:
        assert may(high, capability) >= may(low, capability)


def test_under_maker_checker_a_preparer_proposes_and_an_approver_applies():
    assert route_of_change(Role.PREPARER, maker_checker=True) is Handling.PROPOSE
    assert route_of_change(Role.PREPARER, maker_checker=False) is Handling.APPLY
    assert route_of_change(Role.APPROVER, maker_checker=True) is Handling.APPLY
    assert route_of_change(Role.VIEWER, maker_checker=False) is Handling.REFUSE
    assert route_of_change(None, maker_checker=True) is Handling.REFUSE


def test_nobody_decides_their_own_proposal():
    assert may_decide(Role.APPROVER, "ravi", "asha")
    assert not may_decide(Role.APPROVER, "asha", "asha")
    assert not may_decide(Role.ADMIN, "asha", "asha")
    assert not may_decide(Role.PREPARER, "ravi", "asha")


def test_an_existing_grant_keeps_everything_it_did():
    assert MIGRATED_GRANT is Role.APPROVER and may(MIGRATED_GRANT, Capability.APPROVE)


def test_a_role_is_named_in_any_case_and_a_wrong_name_lists_the_four():
    assert parse_role(" Preparer ") is Role.PREPARER
    try:
        parse_role("boss")
    except ValueError as exc:
        assert "viewer, preparer, approver, admin" in str(exc)
    else:
        raise AssertionError("a wrong role was accepted")


def test_the_itc_a_proposed_action_changes():
    tax = Decimal("1800.00")
    assert itc_effect(False, tax, "P", "A") == tax  # into the 2B
    assert itc_effect(False, tax, "N", "A") == 0  # No action is in the 2B already
    assert itc_effect(False, tax, "N", "R") == -tax
    assert itc_effect(True, Decimal("180.00"), "N", "R") == Decimal("180.00")  # CN out: ITC up
