"""The diff of two frozen answers: every changed figure, located by element code and field."""

from app.revisions.diff import Change, diff


def test_lists_of_elements_are_matched_by_code_whatever_their_order():
    old = {
        "plan": {"advance_pct": 50, "status": {"code": "lagging", "label": "Rezago 50%"}},
        "indicators": [
            {"code": "I1", "executed_to_date": 10, "unit_ids": ["u1"]},
            {"code": "I2", "executed_to_date": 20, "unit_ids": []},
        ],
    }
    new = {
        "plan": {"advance_pct": 60, "status": {"code": "lagging", "label": "Rezago 40%"}},
        "indicators": [
            {"code": "I2", "executed_to_date": 20, "unit_ids": []},
            {"code": "I1", "executed_to_date": 12, "unit_ids": ["u1", "u2"]},
        ],
    }
    assert diff(old, new) == [
        Change("plan.advance_pct", None, "advance_pct", 50, 60),
        Change("plan.status.label", None, "status.label", "Rezago 50%", "Rezago 40%"),
        Change("indicators[I1].executed_to_date", "I1", "executed_to_date", 10, 12),
        Change("indicators[I1].unit_ids", "I1", "unit_ids", ["u1"], ["u1", "u2"]),
    ]


def test_groups_keyed_by_key_show_their_code_and_added_or_removed_elements():
    old = {
        "items": [{"key": "k1", "code": "U1", "count": 2}, {"key": None, "code": None, "count": 1}]
    }
    new = {
        "items": [{"key": "k1", "code": "U1", "count": 3}, {"key": "k2", "code": "U2", "count": 1}]
    }
    assert diff(old, new) == [
        Change("items[k1].count", "U1", "count", 2, 3),
        Change("items[null]", None, "", {"key": None, "code": None, "count": 1}, None),
        Change("items[k2]", "U2", "", None, {"key": "k2", "code": "U2", "count": 1}),
    ]


def test_equal_answers_have_no_change_and_a_null_becoming_a_figure_is_one():
    same = {"nodes": [{"code": "N1", "advance_pct": None}], "total": 1}
    assert diff(same, same) == []
    assert diff(same, {**same, "total": 2}) == [Change("total", None, "total", 1, 2)]
    assert diff(same, {"nodes": [{"code": "N1", "advance_pct": 7.5}], "total": 1}) == [
        Change("nodes[N1].advance_pct", "N1", "advance_pct", None, 7.5)
    ]
