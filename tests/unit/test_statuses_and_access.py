import pytest

from api.auth import bearer_credential
from ledger.domain.access import Principal, Role
from ledger.domain.statuses import FINAL_STATUSES, RewardStatus, can_transition


def test_final_statuses_never_change():
    for final in FINAL_STATUSES:
        assert not any(can_transition(final, target) for target in RewardStatus)


@pytest.mark.parametrize(("current", "target"), [
    (RewardStatus.PENDING, RewardStatus.ISSUED), (RewardStatus.UNKNOWN, RewardStatus.NOT_WON),
    (RewardStatus.ISSUED, RewardStatus.CLAIMED), (RewardStatus.ISSUED, RewardStatus.REFUNDED),
])
def test_the_happy_path_and_settling_unknowns_are_allowed(current, target):
    assert can_transition(current, target)


def test_nothing_goes_back_to_requested_and_issued_cannot_fail():
    assert not can_transition(RewardStatus.PENDING, RewardStatus.REQUESTED)
    assert not can_transition(RewardStatus.ISSUED, RewardStatus.FAILED)


def test_operator_roles_are_ordered_and_members_are_apart():
    admin, viewer = Principal(1, Role.ADMIN), Principal(1, Role.VIEWER)
    member = Principal(1, Role.MEMBER, "m")
    assert admin.has_at_least(Role.OPERATOR) and not viewer.has_at_least(Role.OPERATOR)
    assert not member.has_at_least(Role.VIEWER)


@pytest.mark.parametrize(("header", "credential"), [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), (None, None), ("", None),
])
def test_bearer_credentials_are_read_from_the_authorization_header(header, credential):
    assert bearer_credential(header) == credential
