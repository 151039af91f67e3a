"""Cascade.why names every treaty behind a pull and the commitment's conditions; the
verdict names the capability measure (issue 9 item 3, issue 10 item 3)."""

from foederis import World, cascade


def _world():
    return World.from_arrays(
        ["RUS", "EST", "USA", "UKG"], [0.3, 0.01, 0.5, 0.1],
        guarantor=[2, 3], protege=[1, 1], kind=["defense", "defense"],
        treaty=[0, 1], treaty_names=["NATO|AUKUS", "NATO"], against=["RUS", ""],
        capability_measure="cinc")


def test_why_lists_every_treaty_and_the_conditions():
    c = cascade(_world(), "RUS:EST")
    why = c.why.set_index("state")
    assert why.loc["USA", "treaty"] == "AUKUS|NATO"
    assert why.loc["UKG", "treaty"] == "NATO"
    assert why.loc["USA", "against"] == "RUS" and why.loc["UKG", "against"] == ""
    assert list(c.why.columns)[:9] == ["state", "side", "round", "protege", "kind",
                                       "treaty", "credibility", "contribution", "edge"]
    s = c.summary()
    assert "AUKUS|NATO defense: EST" in s and "against RUS" in s


def test_why_has_no_condition_columns_without_conditions():
    w = World.from_arrays(["RUS", "EST", "USA"], [0.3, 0.01, 0.5], guarantor=[2],
                          protege=[1], kind=["defense"])
    assert "against" not in cascade(w, "RUS:EST").why.columns


def test_verdict_names_the_measure():
    c = cascade(_world(), "RUS:EST")
    assert c.measure == "cinc"
    assert "balance of cinc" in c.verdict and "balance D/A of cinc" in c.summary()


def test_widget_rows_show_each_treaty_and_conditions():
    from foederis_widgets.renderers import joined_rows
    rows = {r["code"]: r for r in joined_rows(cascade(_world(), "RUS:EST"))}
    assert set(rows["USA"]["treaties"]) == {"AUKUS", "NATO"}
    assert rows["USA"]["treaties"]["NATO"] == ["EST DEFENSE (against RUS)"]


def test_explorer_flags_states_where_the_modes_disagree():
    import foederis
    from foederis_widgets.renderers import ensemble_html, mode_disagreements
    w = World.from_arrays(["RUS", "EST", "USA"], [0.3, 0.01, 0.5], guarantor=[2],
                          protege=[1], kind=["defense"], credibility=[0.4])
    c = cascade(w, "RUS:EST", foederis.Rules(credibility_scale=2.5))  # deterministic: USA joins
    e = foederis.simulate(w, "RUS:EST", samples=2000, seed=1)  # USA honours in ~40%
    dis = mode_disagreements(c, e)
    assert [d["code"] for d in dis] == ["USA"]
    assert dis[0]["cascade"] == "D" and dis[0]["ensemble"] == "neutral"
    assert "the two modes disagree" in ensemble_html(e, None, cascade=c)
