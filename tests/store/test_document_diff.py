from __future__ import annotations

from decimal import Decimal

from cets_desktop.store import Change, canonical_json, diff_documents, diff_values


def _by_path(changes: list[Change]) -> dict[str, Change]:
    return {change.path: change for change in changes}


def test_identical_documents_have_no_changes(power_monthly):
    assert diff_documents(power_monthly(), power_monthly()) == []


def test_changed_leaf_in_nested_repeat_is_reported_with_its_field_path(power_monthly, edit):
    old = power_monthly()
    new = edit(old, lambda d: d["values"]["units"][0]["fuels"][1].update(consumption="12400.00"))

    assert diff_documents(old, new) == [
        Change("units[0].fuels[1].consumption", "12346.67", "12400.00", "changed")
    ]


def test_added_fuel_row_reports_each_new_leaf(power_monthly, edit):
    old = power_monthly()
    row = {"fuel_type": "天然气", "consumption": "88.1", "ncv_gj_per_t": "389.31", "carbon_content": "0.0153"}
    new = edit(old, lambda d: d["values"]["units"][1]["fuels"].append(row))

    changes = _by_path(diff_documents(old, new))

    assert set(changes) == {f"units[1].fuels[2].{key}" for key in row}
    assert changes["units[1].fuels[2].fuel_type"] == Change(
        "units[1].fuels[2].fuel_type", None, "天然气", "added"
    )


def test_removed_unit_reports_every_leaf_it_held(power_monthly, edit):
    old = power_monthly(units=2, fuels_per_unit=1)
    new = edit(old, lambda d: d["values"]["units"].pop())

    changes = diff_documents(old, new)

    assert {c.kind for c in changes} == {"removed"}
    assert _by_path(changes)["units[1].unit_name"].old == "2号机组"
    assert _by_path(changes)["units[1].fuels[0].consumption"].old == "12445.67"


def test_removing_first_row_is_positional_so_paths_keep_their_meaning(power_monthly, edit):
    old = power_monthly(units=2, fuels_per_unit=1)
    new = edit(old, lambda d: d["values"]["units"].pop(0))

    changes = _by_path(diff_documents(old, new))

    assert changes["units[0].unit_name"] == Change("units[0].unit_name", "1号机组", "2号机组", "changed")
    assert changes["units[1].unit_name"].kind == "removed"


def test_number_and_decimal_string_of_same_value_are_not_a_change():
    assert diff_values({"consumption": 12}, {"consumption": "12"}) == []
    assert diff_values({"consumption": "1.5"}, {"consumption": 1.5}) == []
    assert diff_values({"consumption": Decimal("0.0000001")}, {"consumption": "0.0000001"}) == []


def test_changed_precision_is_a_change():
    assert diff_values({"ncv": "21.87"}, {"ncv": "21.870"}) == [Change("ncv", "21.87", "21.870", "changed")]


def test_enterprise_period_evidence_and_acknowledgement_changes_are_prefixed(power_monthly, edit):
    old = power_monthly()

    def change(d):
        d["enterprise"]["name"] = "华东示范发电股份有限公司"
        d["period"] = "2026-11"
        d["evidence"][0]["name"] = "11月入炉煤台账.pdf"
        d["acknowledgements"].append(
            {
                "code": "PWR-M-030",
                "path": "units[0].generation_mwh",
                "reason": "10月机组检修，发电量环比下降属实",
                "at": "2026-11-05T09:00:00+08:00",
            }
        )

    changes = _by_path(diff_documents(old, edit(old, change)))

    assert changes["enterprise.name"].new == "华东示范发电股份有限公司"
    assert changes["period"] == Change("period", "2026-10", "2026-11", "changed")
    assert changes["evidence[0].name"].old == "10月入炉煤台账.pdf"
    assert changes["acknowledgements[0].code"] == Change(
        "acknowledgements[0].code", None, "PWR-M-030", "added"
    )


def test_empty_repeat_added_is_reported_as_one_change():
    assert diff_values({}, {"units": []}) == [Change("units", None, [], "added")]


def test_leaf_replaced_by_repeat_reports_both_shapes():
    changes = diff_values({"fuels": "燃煤"}, {"fuels": [{"fuel_type": "燃煤"}]})
    assert changes == [
        Change("fuels", "燃煤", None, "removed"),
        Change("fuels[0].fuel_type", None, "燃煤", "added"),
    ]


def test_canonical_json_is_stable_and_keeps_chinese_readable(power_monthly):
    text = canonical_json(power_monthly())
    assert "华东示范发电有限公司" in text
    assert canonical_json(power_monthly()) == text
    assert canonical_json({"b": Decimal("1E-7"), "a": 1}) == '{"a":1,"b":"0.0000001"}'
