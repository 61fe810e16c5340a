from datetime import UTC, datetime

from ortaq.stories.provenance import timeline, word_diff


def test_word_diff_round_trips():
    a = "The minister said on Monday that talks would resume"
    b = "The foreign minister said on Tuesday that talks would resume soon"
    diff = word_diff(a, b)
    assert ("insert", "foreign") in diff
    assert ("delete", "Monday") in diff and ("insert", "Tuesday") in diff
    assert " ".join(t for op, t in diff if op != "insert") == a
    assert " ".join(t for op, t in diff if op != "delete") == b
    assert word_diff(a, a) == [("equal", a)]
    assert word_diff("", "x") == [("insert", "x")]


def test_timeline_first_copies_corrections():
    t = lambda h: datetime(2026, 4, 5, h, tzinfo=UTC)  # noqa: E731
    records = [
        {
            "member": "trend",
            "uri": "u2",
            "version": 1,
            "time": t(11),
            "language": "az",
            "copy_of": None,
        },
        {"member": "kazinform", "uri": "u1", "version": 1, "time": t(9), "language": "kk"},
        {"member": "kazinform", "uri": "u1", "version": 2, "time": t(10), "language": "kk"},
        {
            "member": "aa",
            "uri": "u3",
            "version": 1,
            "time": t(12),
            "language": "kk",
            "copy_of": "u1",
            "similarity": 0.8,
        },
    ]
    result = timeline(records)
    assert result["first"]["uri"] == "u1" and result["first"]["first_appearance"]
    assert result["members"] == ["kazinform", "trend", "aa"]
    assert result["corrections"] == [
        {"uri": "u1", "version": 2, "corrects": {"uri": "u1", "version": 1}}
    ]
    assert result["copies"] == [{"uri": "u3", "version": 1, "copy_of": "u1"}]
    assert result["languages"] == ["az", "kk"]
    assert [v["uri"] for v in result["versions"]] == ["u1", "u1", "u2", "u3"]
