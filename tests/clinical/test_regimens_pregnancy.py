"""Opioid proposals for pregnant women (issue 11, item 2): never a detox by default, in LAR,
outside LAR or not recorded. Pure tests; guideline lines ("G") in the docstrings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinical.regimens import OpioidInput, opioid_regimen

TAPER_LINES = {"buprenorphine_naloxone_taper", "alpha2_agonist_second_choice"}


def line(proposal, code):
    found = proposal.line(code)
    assert found is not None, f"{code} not in {proposal.codes()}"
    return found


@pytest.mark.parametrize("in_lar", [True, False, None])
@pytest.mark.parametrize("setting", ["inpatient", "outpatient"])
def test_no_opioid_taper_is_proposed_for_a_pregnant_woman_g5753(in_lar, setting):
    """12-7 (G 5753-5755), 10.3-1 (G 4893-4906): stabilise; be reluctant to detox."""
    proposal = opioid_regimen(
        OpioidInput(setting=setting, opioid_dependent=True, pregnant=True, in_lar=in_lar)
    )
    assert not TAPER_LINES & set(proposal.codes())
    avoid = line(proposal, "pregnant_no_opioid_taper")
    assert avoid.kind == "avoid"
    assert avoid.refs == ("12-7", "10.3-1")
    assert line(proposal, "pregnant_reluctant_detox").refs == ("10.3-1",)


def test_a_pregnant_woman_in_lar_stays_on_her_lar_medicine_g5702():
    """G 5702-5706 (WHO: she stays in LAR in pregnancy) and G 4887-4891 (tapering LAR medicine
    is outside the guideline): a local reading, marked as a resolution."""
    proposal = opioid_regimen(
        OpioidInput(setting="inpatient", opioid_dependent=True, pregnant=True, in_lar=True)
    )
    stay = line(proposal, "pregnant_in_lar_continue")
    assert stay.resolution is True
    assert "pregnant_stabilise_on_buprenorphine" not in proposal.codes()


def test_a_pregnant_woman_not_known_to_be_in_lar_is_offered_stabilisation_g5753():
    """12-7 (G 5753-5755): outside LAR stabilise on buprenorphine; LAR not recorded is asked."""
    proposal = opioid_regimen(
        OpioidInput(setting="inpatient", opioid_dependent=None, pregnant=True, in_lar=None)
    )
    stabilise = line(proposal, "pregnant_stabilise_or_stay_in_lar")
    assert stabilise.refs == ("12-7", "10.3-1")
    assert stabilise.drugs == ("buprenorphine_naloxone",)
    assert "in_lar" in proposal.missing


maybe = st.one_of(st.none(), st.booleans())


@given(
    setting=st.sampled_from(["outpatient", "inpatient"]),
    dependent=maybe,
    in_lar=maybe,
)
def test_pregnancy_never_yields_a_taper_line_whatever_else_is_recorded_g5753(
    setting, dependent, in_lar
):
    """12-7 (G 5753-5755): no combination of facts gives a pregnant woman a taper proposal."""
    proposal = opioid_regimen(
        OpioidInput(setting=setting, opioid_dependent=dependent, pregnant=True, in_lar=in_lar)
    )
    assert not TAPER_LINES & set(proposal.codes())
