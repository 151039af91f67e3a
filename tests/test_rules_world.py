"""The levers that read the world (issue 10): Rules.conditions, Rules.bound_victim_unrestrained,
Rules.reach_rule="geography"; each against hand-built worlds, plain loops, the naive
reference, and the expert checks from history."""

from __future__ import annotations

import math

import numpy as np
import pytest

import foederis
import naive
from foederis import Rules, World, cascade, simulate
from foederis._constants import KINDS
from foederis._gate import conditioned_credibility, parse_attacks, reach_by_geography
from foederis.analysis import deterrence_map

LEVERS = Rules(conditions=True, bound_victim_unrestrained=True)
OFF = Rules.design()  # DESIGN.md's rule: every lever off


def hand(conditions: dict, n: int = 5, edges=None):
    """A attacks B (S0 -> S1); S2 DEFENSE -> S1, S3 DEFENSE -> S1, S4 DEFENSE -> S3; the
    conditions given per edge index (columns of the commitments table)."""
    edges = edges or [(2, 1, "DEFENSE"), (3, 1, "DEFENSE"), (4, 3, "DEFENSE")]
    cols = {"against": [""] * len(edges), "location": [""] * len(edges),
            "nonprovocation": [False] * len(edges), "min_attackers": [1] * len(edges)}
    for e, kv in conditions.items():
        for k, v in kv.items():
            cols[k][e] = v
    import pandas as pd
    states = pd.DataFrame({"code": [f"S{i}" for i in range(n)], "capability": [1.0] * n})
    com = pd.DataFrame({"guarantor": [f"S{g}" for g, _, _ in edges],
                        "protege": [f"S{p}" for _, p, _ in edges],
                        "kind": [k for _, _, k in edges], **cols})
    return World.from_frames(states, com)


def test_named_adversary():
    w = hand({0: {"against": "S9"}, 1: {"against": "S0"}})
    on, off = cascade(w, "S0:S1", LEVERS), cascade(w, "S0:S1", OFF)
    assert off.joined("D") == ["S1", "S2", "S3", "S4"]
    assert on.joined("D") == ["S1", "S3", "S4"]  # S2's pledge is against S9 only


def test_location_nonprovocation_and_number_of_attackers():
    # S4's pledge to S3 holds only on S3's own territory: S3 joined, it was not attacked
    w = hand({2: {"location": "protege"}})
    assert cascade(w, "S0:S1", LEVERS).joined("D") == ["S1", "S2", "S3"]
    assert cascade(w, "S0:S1", OFF).joined("D") == ["S1", "S2", "S3", "S4"]
    # two attackers needed: one attack does not call S2 in, two do
    w2 = hand({0: {"min_attackers": 2}}, n=6)
    assert "S2" not in cascade(w2, "S0:S1", LEVERS).joined("D")
    assert "S2" in cascade(w2, [("S0", "S1"), ("S5", "S1")], LEVERS).joined("D")
    # non-provocation: an OFFENSE pledge to the aggressor falls away
    w3 = hand({0: {"nonprovocation": True}}, edges=[(2, 0, "OFFENSE")])
    assert cascade(w3, "S0:S1", OFF).joined("A") == ["S0", "S2"]
    assert cascade(w3, "S0:S1", LEVERS).joined("A") == ["S0"]


def _plain_conditions(w: World, agg, tgt) -> list[float]:
    """The conditioned credibilities by a loop over the commitments frame."""
    f = w.commitments_frame()
    agg_codes = {str(w.codes[a]) for a in agg}
    tgt_codes = {str(w.codes[t]) for t in tgt}
    out = []
    for r in f.itertuples():
        named = [x for x in str(r.against or "").split("|") if x]
        ok = (not named) or bool(agg_codes & set(named)) or bool(r.adversary_unnamed)
        ok = ok and int(r.min_attackers) <= len(agg)
        ok = ok and not (r.location == "protege" and r.protege not in tgt_codes)
        ok = ok and not (bool(r.nonprovocation) and r.protege in agg_codes)
        out.append(float(r.credibility) if ok else 0.0)
    return out


@pytest.mark.parametrize("seed", range(20))
def test_conditions_equal_a_plain_loop(seed):
    import pandas as pd
    rng = np.random.default_rng(seed)
    n = 12
    pairs = {(int(g), int(p)) for g, p in rng.integers(0, n, (40, 2)) if g != p}
    g, p = map(list, zip(*sorted(pairs)))
    m = len(g)
    codes = [f"S{i}" for i in range(n)]
    against = ["|".join(rng.choice(codes + ["ZZZ"], rng.integers(1, 3), replace=False))
               if rng.random() < 0.4 else "" for _ in range(m)]
    states = pd.DataFrame({"code": codes, "capability": rng.random(n) + 0.1})
    com = pd.DataFrame({
        "guarantor": [codes[x] for x in g], "protege": [codes[x] for x in p],
        "kind": rng.choice(["DEFENSE", "OFFENSE", "ENTENTE", "NEUTRALITY"], m),
        "credibility": rng.choice([0.5, 1.0], m), "against": against,
        "location": np.where(rng.random(m) < 0.3, "protege", ""),
        "nonprovocation": rng.random(m) < 0.3,
        "min_attackers": rng.choice([1, 1, 2, 3], m)})
    w = World.from_frames(states, com)
    attacks = [("S0", "S1"), ("S2", "S1")] if seed % 2 else "S0:S1"
    agg, tgt, _ = parse_attacks(w, attacks)
    got = conditioned_credibility(w, agg, tgt)
    tr = w.transposed
    want = np.asarray(_plain_conditions(w, agg, tgt))[tr.edge]
    assert got.tolist() == want.tolist()
    # and the cascade on the conditioned world is the cascade of the masked world
    masked = World.from_arrays(codes, w.capability, w.guarantors, w.indices, w.kind,
                               credibility=np.asarray(_plain_conditions(w, agg, tgt)))
    a = cascade(w, attacks, Rules(conditions=True))
    b = cascade(masked, attacks, Rules(conditions=False))
    assert a.side.tolist() == b.side.tolist() and a.round.tolist() == b.round.tolist()


@pytest.mark.parametrize("seed", range(30))
def test_bound_victim_unrestrained_matches_the_reference(seed):
    rng = np.random.default_rng(100 + seed)
    n = 10
    pairs = {(int(g), int(p)) for g, p in rng.integers(0, n, (30, 2)) if g != p}
    g, p = map(np.array, zip(*sorted(pairs)))
    kinds = rng.integers(0, len(KINDS), len(g)).astype(np.uint8)
    w = World.from_arrays([f"S{i}" for i in range(n)], rng.random(n) + 0.1, g, p, kinds,
                          credibility=rng.choice([0.25, 0.5, 1.0], len(g)))
    rules = Rules(bound_victim_unrestrained=True, threshold=0.5)
    res = cascade(w, "S0:S1", rules)
    ref = naive.cascade(naive.plain(w), [0], [1], rules, 1)
    assert res.side.tolist() == ref["side"] and res.round.tolist() == ref["round"]
    # the ensembles apply it too (threshold mode, the reference's per-sample twin)
    ens = simulate(w, "S0:S1", rules, samples=64, seed=seed, mode="threshold")
    twin = naive.ensemble(naive.plain(w), [0], [1], rules, 1, range(64), seed)
    assert (ens.p_join_d * 64).round().astype(int).tolist() == twin["count_d"]


def test_the_two_modes_agree_at_credibility_one():
    w = foederis.load_world("atop:1939-09-01")
    for rules in (Rules(), LEVERS):
        c = cascade(w, "GMY:POL", rules)
        e = simulate(w, "GMY:POL", rules, samples=64, seed=1, mode="threshold")
        # credibility 1 everywhere in ATOP worlds: every sample is the cascade
        assert (e.p_join_d == (c.side == 2)).all() and (e.p_join_a == (c.side == 1)).all()


def test_geography_reach():
    import pandas as pd
    states = pd.DataFrame({
        "code": ["A", "B", "NEAR", "FAR", "BORDER", "MAJOR", "ALLY", "NOWHERE"],
        "capability": [1.0] * 8, "region": ["eu", "eu", "eu", "asia", "asia", "am", "am", "eu"],
        "global_reach": [False, False, False, False, False, True, False, False],
        "lat": [50.0, 52.0, 51.0, -30.0, 10.0, 40.0, -20.0, np.nan],
        "lon": [10.0, 21.0, 15.0, 150.0, 100.0, -75.0, -60.0, np.nan]})
    com = pd.DataFrame({"guarantor": ["NEAR", "FAR", "BORDER", "MAJOR", "ALLY", "NOWHERE"],
                        "protege": ["B"] * 6, "kind": ["DEFENSE"] * 5 + ["ENTENTE"],
                        "credibility": [1.0] * 5 + [1.0]})
    com_ally = com.copy()
    contig = pd.DataFrame({"a": ["BORDER"], "b": ["A"], "conttype": [1]})
    w = World.from_frames(states, com_ally, None, contig)
    agg, tgt, _ = parse_attacks(w, "A:B")
    theatre = np.zeros(len(w.region_names), bool)
    theatre[w.region_code[[0, 1]]] = True
    able = reach_by_geography(w, agg, tgt, 1000.0, theatre)
    # NEAR (capital ~400 km), BORDER (contiguous), MAJOR (global reach), the defence allies
    # of the target (FAR, ALLY, ...), NOWHERE (no geography: its region is in the theatre)
    assert able.tolist() == [True] * 8
    w2 = World.from_frames(states, com.assign(kind=["ENTENTE"] * 6), None, contig)
    able = reach_by_geography(w2, agg, tgt, 1000.0, theatre)
    assert dict(zip(w2.codes.tolist(), able.tolist())) == {
        "A": True, "B": True, "NEAR": True, "FAR": False, "BORDER": True, "MAJOR": True,
        "ALLY": False, "NOWHERE": True}
    far = cascade(w2, "A:B", Rules(reach_rule="geography", entente_weight=1))
    assert "FAR" not in far.joined("D") and "NEAR" in far.joined("D")
    # a world without geography: the region rule exactly
    plain = World.from_frames(states.drop(columns=["lat", "lon"]), com)
    assert reach_by_geography(plain, agg, tgt, 1000.0, theatre) is None
    assert (cascade(plain, "A:B", Rules(reach_rule="geography")).side.tolist()
            == cascade(plain, "A:B", Rules(reach_rule="region")).side.tolist())
    assert math.isfinite(Rules(reach_km=500).reach_km)


@pytest.mark.parametrize("levers", [
    dict(conditions=True, bound_victim_unrestrained=True),
    dict(reach_rule="geography", rival_weight=0.5),
    dict(rival_scope="belligerents", rival_weight=1.0),
    dict(min_side_share=0.5),
    dict(one_pull_per_treaty=False),
])
def test_sweeps_apply_the_levers_that_read_the_world_pair_by_pair(levers):
    w = foederis.load_world("atop:1939-09-01")
    rules = Rules(**levers)
    aggs, tgts = ["GMY", "ITA", "RUS"], ["POL", "FRN", "GRC", "FIN"]
    m = deterrence_map(w, aggs, tgts, rules=rules)
    for a in aggs:
        for t in tgts:
            c = cascade(w, (a, t), rules)
            got = m.to_frame().set_index(["aggressor", "target"]).loc[(a, t)]
            assert bool(got["deterred"]) == c.deterred
            assert int(got["war_size"]) == len(c.joined())


def test_rules_check_the_new_fields():
    with pytest.raises(foederis.ParameterError, match="reach_rule"):
        Rules(reach_rule="planet")
    with pytest.raises(foederis.ParameterError, match="conditions"):
        Rules(conditions="yes")
    with pytest.raises(foederis.ParameterError, match="reach_km"):
        Rules(reach_km=-1)


# --------------------------------------------------------------------------------------
# expert checks from history (tests may name states; rules may not)
# --------------------------------------------------------------------------------------
def test_poland_1939_is_defended_by_britain_and_france_not_the_ussr():
    w = foederis.load_world("atop:1939-09-01")
    for rules in (Rules(), LEVERS):
        c = cascade(w, "GMY:POL", rules)
        assert {"UKG", "FRN"} <= set(c.joined("D")) and "RUS" not in c.joined()
    # the USSR is Germany's strategic rival (hostility 1), yet the Molotov-Ribbentrop
    # neutrality pact holds it back (rivals join presses 0.5, the pact restrains 1)
    assert w.rivalries[w.index("GMY"), w.index("RUS")] == 1.0
    assert "RUS" not in cascade(w, "GMY:POL").joined()


def test_neither_russia_nor_china_fights_for_north_korea_against_its_victim():
    w = foederis.load_world()
    for rules in (Rules(), LEVERS):
        c = cascade(w, "PRK:ROK", rules)
        assert "RUS" not in c.joined("A") and "CHN" not in c.joined("A")
        assert "USA" in c.joined("D")
    # and when South Korea attacks, consultation pledges do not carry NATO members to
    # North Korea's side (ENTENTE weighs 0 by default)
    c = cascade(w, "ROK:PRK")
    assert {"RUS", "CHN"} <= set(c.joined("D"))
    assert not {"USA", "UKG", "FRN", "GMY"} & set(c.joined("D"))


def test_a_us_guarantee_brings_the_us_to_taiwan_with_the_default_rules():
    w = foederis.load_world().with_commitment("USA", "TAW", "GUARANTEE", 0.75)
    # the guarantee (0.75) against the ASEAN non-aggression pledge to China (0.5): DESIGN's
    # restraint keeps the US out; read as a pledge not to attack China, it does not
    assert "USA" not in cascade(w, "CHN:TAW", OFF).joined("D")
    assert "USA" in cascade(w, "CHN:TAW").joined("D")
    assert "USA" in cascade(w, "CHN:TAW", LEVERS).joined("D")


def test_the_dual_alliance_does_not_pull_germany_against_france():
    # 1879: Germany's defence pledge to Austria-Hungary is against Russia only
    w = foederis.load_world("atop:1880-06-01")
    assert "GMY" in cascade(w, "ITA:AUH", OFF).joined("D")  # DESIGN's rule: any attacker
    assert "GMY" not in cascade(w, "ITA:AUH").joined("D")
    assert "GMY" in cascade(w, "RUS:AUH").joined("D")


def test_the_south_german_states_join_prussia_in_1870():
    # the 1866-67 offensive and defensive treaties of Bavaria, Baden and Wurttemberg with
    # Prussia (the North German Confederation: COW's GMY) fall due when France attacks
    c = cascade(foederis.load_world("atop:1870-07-19"), "FRN:GMY")
    assert {"BAV", "BAD", "WRT"} <= set(c.joined("D"))
    assert not {"BAV", "BAD", "WRT"} & set(c.joined("A"))


def test_jordan_joins_egypt_in_1967_and_israel_gets_no_treaty_ally():
    c = cascade(foederis.load_world("atop:1967-06-05"), [("ISR", "EGY"), ("ISR", "SYR")])
    assert "JOR" in c.joined("D")  # the Egyptian-Jordanian defence pact of 30 May 1967
    assert c.joined("A") == ["ISR"]


def test_rivals_join_brings_the_us_against_germany_but_not_an_unbound_weak_rival():
    w = foederis.load_world("atop:1939-09-01")
    assert "USA" in cascade(w, "GMY:POL").joined("D")  # a full rivalry (hostility 1)
    assert "USA" not in cascade(w, "GMY:POL", Rules(rival_weight=0)).joined()
    why = cascade(w, "GMY:POL").why
    usa = why[why.state == "USA"]
    assert usa["kind"].tolist() == ["RIVALRY"] and usa["protege"].tolist() == ["GMY"]


def test_rival_scope_presses_the_rivals_of_every_belligerent():
    # T's rival R joins against T only when every state at war presses its rivals; the
    # rival J of the joiner R follows in the next round (the chain of rivalries)
    w = foederis.World.from_arrays(
        ["A", "T", "R", "J"], [0.4, 0.2, 0.3, 0.1], [], [], [],
        rivalry_source=[1, 2], rivalry_target=[2, 3], hostility=[1.0, 1.0])
    assert cascade(w, "A:T").joined() == ["A", "T"]
    c = cascade(w, "A:T", Rules(rival_scope="belligerents"))
    assert c.joined("A") == ["A", "R"] and c.joined("D") == ["T", "J"]
    assert c.round.tolist() == [0, 0, 1, 2]
    why = c.why
    assert why[why.state == "R"]["protege"].tolist() == ["T"]
    assert why[why.state == "J"]["protege"].tolist() == ["R"]
    e = foederis.simulate(w, "A:T", samples=64, seed=1, mode="any",
                          rules=Rules(rival_scope="belligerents"))
    assert e.p_join_a.tolist() == [1.0, 0.0, 1.0, 0.0]
    with pytest.raises(foederis.FoederisError, match="rival_scope"):
        Rules(rival_scope="everyone")


def test_the_cost_of_joining_holds_back_a_state_until_its_side_can_win():
    # Y (0.05) defends T (0.1) against A (0.5): alone beside T it would be on the losing
    # side (0.15 of 0.65), so it waits; X (0.4) joins at once (0.5 of 1.0), and then Y
    # (0.55 of 1.05) follows in round 2, with no new pull behind it
    w = foederis.World.from_arrays(["A", "T", "X", "Y"], [0.5, 0.1, 0.4, 0.05],
                                   [2, 3], [1, 1], [0, 0])
    assert cascade(w, "A:T").round.tolist() == [0, 0, 1, 1]
    rules = Rules(min_side_share=0.5)
    c = cascade(w, "A:T", rules)
    assert c.joined("D") == ["T", "X", "Y"] and c.round.tolist() == [0, 0, 1, 2]
    for mode in ("threshold", "any"):
        e = foederis.simulate(w, "A:T", samples=64, seed=3, mode=mode, rules=rules)
        assert e.p_join_d.tolist() == [0.0, 1.0, 1.0, 1.0]
        assert e.mean_round.tolist()[2:] == [1.0, 2.0]
    # without X, Y never joins: a side it expects to lose
    assert cascade(w.without_commitment("X", "T"), "A:T", rules).joined("D") == ["T"]
    with pytest.raises(foederis.FoederisError, match="min_side_share"):
        Rules(min_side_share=1.5)


def test_one_pull_per_treaty_counts_a_treaty_once_and_adds_a_larger_member_later():
    # G holds one treaty T with B1 (0.25), B2 (0.25) and B3 (0.5), and no other tie; B1
    # and B2 are attacked, and B3 joins in round 1 (its own pact with B1). Summed, the two
    # targets' pulls (0.5) bring G in at round 1; one pull per treaty counts T as 0.25 until
    # B3, the larger member, is at war: G joins in round 2, on T's largest pull, 0.5
    codes = ["A", "B1", "B2", "B3", "G"]
    w = World.from_arrays(codes, [1, 1, 1, 1, 1], [4, 4, 4, 3], [1, 2, 3, 1],
                          ["DEFENSE"] * 4, credibility=[0.25, 0.25, 0.5, 1.0],
                          treaty=[0, 0, 0, -1], treaty_names=("T",))
    attacks = [("A", "B1"), ("A", "B2")]
    summed = cascade(w, attacks, Rules(one_pull_per_treaty=False))
    once = cascade(w, attacks, Rules())
    assert summed.round.tolist() == [0, 0, 0, 1, 1]
    assert once.round.tolist() == [0, 0, 0, 1, 2]
    # the slots: one (guarantor, treaty) with three commitments, none for the lone pact
    from foederis._gate import treaty_slots
    tslot, n_slots = treaty_slots(w, Rules())
    assert n_slots == 1 and sorted(tslot.tolist()) == [-1, 0, 0, 0]
    assert treaty_slots(w, Rules(one_pull_per_treaty=False))[1] == 0
    # without the third member, T never weighs more than 0.25: G stays out
    c = cascade(w.without_commitment("G", "B3"), attacks)
    assert c.round.tolist()[4] == -1
    # the reference agrees, deterministic and sampled (threshold mode: an honoured
    # commitment counts 1, so two honoured members of T count as one)
    for rules in (Rules(), Rules(one_pull_per_treaty=False)):
        ref = naive.cascade(naive.plain(w), [0], [1, 2], rules, 1)
        assert ref["round"] == cascade(w, attacks, rules).round.tolist()
        e = simulate(w, attacks, samples=256, seed=2, mode="threshold", rules=rules)
        twin = naive.ensemble(naive.plain(w), [0], [1, 2], rules, 1, range(256), 2)
        assert e.count_d.tolist() == twin["count_d"]


def test_the_neutral_eu_members_do_not_fight_for_estonia():
    # the EU's mutual-assistance clause pulls each member once, however many EU members
    # are at war: Austria, Ireland, Malta and Cyprus, NATO's neutral EU partners, stay out
    w = foederis.load_world()
    c = cascade(w, "RUS:EST")
    assert {"USA", "UKG", "FRN", "GMY", "POL"} <= set(c.joined("D"))
    assert not {"AUS", "IRE", "MLT", "CYP"} & set(c.joined())
    assert {"AUS", "IRE"} <= set(cascade(w, "RUS:EST",
                                         Rules(one_pull_per_treaty=False)).joined("D"))
