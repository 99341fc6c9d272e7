"""Origin resolution and the provenance graph: aliases, descriptions, anonymous sources, outlets
citing outlets, syndicated copies, and the single-origin explanation in words."""

from __future__ import annotations

from dataclasses import replace

from corroborator.align import ClaimRef
from corroborator.crosscheck import explain, outlet_routes
from corroborator.model import (
    Analysis,
    Article,
    ChainLink,
    Claim,
    Mention,
    TextSpan,
)
from corroborator.provenance import (
    apply_aliases,
    build_mention,
    independent_origins,
    normalise_name,
    origin_labels,
    origin_of,
    resolve_origins,
    same_entity,
    story_aliases,
)

TEXT = "Nine people died in the crash"


def claim() -> Claim:
    whole = TextSpan.of(TEXT, 0, len(TEXT))
    return Claim("x#c1", whole, whole, None, (), (), (), (), (), False, 1.0)


def mention(outlet: str, *cited: tuple[str, str], article: str = "",
            syndicated_from: str = "") -> Mention:
    """A mention published by ``outlet`` citing ``cited`` (name, kind) links, origin last."""
    chain = (ChainLink(outlet, "outlet", "published"),
             *(ChainLink(name, kind, "said") for name, kind in cited))
    origin, key = origin_of(chain)
    return Mention(claim(), article or f"{outlet}-1", outlet, chain, origin, key,
                   syndicated_from=syndicated_from,
                   origin_kind=chain[-1].kind)


def origin_count(*mentions: Mention) -> int:
    return len(independent_origins(resolve_origins(mentions)))


def test_normalise_name_drops_case_diacritics_the_and_possessive():
    assert normalise_name("The Ministère de l’Intérieur") == "ministere de l interieur"
    assert normalise_name("the army's spokesman") == "army spokesman"
    assert normalise_name("Ardo Lines, which operates the ferry") == "ardo lines"


def test_acronyms_spellings_and_descriptions_resolve_to_one_named_origin():
    resolved = resolve_origins([
        mention("Valley Times", ("National Liberation Army", "party")),
        mention("Coast Herald", ("NLA", "party")),
        mention("Metro Bulletin", ("the army's spokesman", "official")),
        mention("Radio Delta", ("the National Liberation army", "party")),
    ])
    assert {m.origin for m in resolved} == {"National Liberation Army"}
    assert len({m.origin_key for m in resolved}) == 1


def test_a_description_fits_the_named_origin_sharing_its_words():
    resolved = resolve_origins([
        mention("Valley Times", ("Free Highlands Movement", "party")),
        mention("Coast Herald", ("the army", "party")),
        mention("Metro Bulletin", ("a spokesperson for the movement", "party")),
    ])
    assert resolved[2].origin_key == resolved[0].origin_key
    assert resolved[1].origin_key != resolved[0].origin_key


def test_a_description_fitting_several_names_stays_apart():
    assert origin_count(
        mention("Valley Times", ("Ministry of Health", "official")),
        mention("Coast Herald", ("Ministry of Transport", "official")),
        mention("Metro Bulletin", ("the ministry", "official")),
    ) == 3


def test_anonymous_sources_are_keyed_by_who_cites_them():
    via_delta = [
        mention("Coast Herald", ("Radio Delta", "outlet"), ("two engineers", "anonymous")),
        mention("Valley Times", ("Radio Delta", "outlet"), ("unnamed engineers", "anonymous")),
    ]
    assert origin_count(*via_delta) == 1
    assert origin_count(
        mention("Coast Herald", ("two officials", "anonymous")),
        mention("Valley Times", ("a source", "anonymous")),
    ) == 2


def test_an_outlet_citing_an_outlet_leads_to_that_outlets_origin():
    resolved = resolve_origins([
        mention("Valley Times", ("Radio Delta", "outlet")),
        mention("Radio Delta", ("two dockworkers", "anonymous")),
    ])
    assert len({m.origin_key for m in resolved}) == 1
    assert resolved[0].origin == "two dockworkers (via Radio Delta)"


def test_an_outlet_relaying_two_origins_stays_its_own_origin():
    assert origin_count(
        mention("Valley Times", ("Radio Delta", "outlet")),
        mention("Radio Delta", ("the governor", "official"), article="rd-1"),
        mention("Radio Delta", ("Rivex Hydro", "organisation"), article="rd-2"),
    ) == 3


def test_a_headline_restating_a_cited_claim_adds_no_origin():
    assert origin_count(
        mention("Valley Times", article="vt"),
        mention("Valley Times", ("the coast guard", "official"), article="vt"),
        mention("Coast Herald", ("the coast guard", "official")),
    ) == 1


def test_same_entity_needs_all_core_words_of_the_shorter_name():
    assert same_entity("nla", "national liberation army")
    assert same_entity("rivex spokesperson", "rivex hydro")
    assert not same_entity("ministry of health", "ministry of transport")
    assert not same_entity("anonymous via radio delta", "radio delta")


def _analysis(article: Article) -> Analysis:
    return Analysis(article, (), (), (), (), (), (), (), ())


def test_a_syndicated_copy_speaks_with_its_sources_voice():
    source = Article("nw", "Northern Wire", TEXT)
    copy = Article("ch", "Coast Herald", TEXT)
    whole = TextSpan.of(TEXT, 0, len(TEXT))
    ref = ClaimRef(_analysis(copy), Claim("ch#c1", whole, whole, None, (), (), (), (), (),
                                          False, 1.0))
    built = build_mention(ref, syndicated_from=source)
    assert (built.origin, built.origin_key, built.syndicated_from) == (
        "Northern Wire", "northern wire", "nw")
    assert built.chain == (ChainLink("Coast Herald", "outlet", "published"),)


def test_single_origin_explanation_counts_the_routes():
    office = ("the Ministry of Transport press office", "official")
    mentions = [
        mention("Northern Wire", office),
        mention("Valley Times", office),
        mention("Metro Bulletin", office),
        mention("Radio Delta", office),
        mention("Daily Ledger", ("Northern Wire", "outlet")),
        mention("Coast Herald", office, syndicated_from="nw-1"),
    ]
    resolved = resolve_origins(mentions)
    origins = independent_origins(resolved)
    assert len(origins) == 1
    assert outlet_routes(resolved, {"nw-1": "Northern Wire"}) == (
        "4 cite it, 1 via Northern Wire, 1 a syndicated copy of Northern Wire")
    text = explain("single_origin", resolved, origins, [], (), {"nw-1": "Northern Wire"})
    assert text.startswith("6 outlets (")
    assert ("all from one origin: the Ministry of Transport press office (4 cite it, 1 via "
            "Northern Wire, 1 a syndicated copy of Northern Wire)") in text


def test_story_aliases_give_one_identity_per_entity_across_claims():
    story = [
        mention("Northern Wire", ("defence ministry", "official")),
        mention("Capital Post", ("ministry of defence", "official")),
        mention("Capital Post", ("defence ministry spokeswoman", "official"), article="cp-2"),
        mention("Atlantic Courier", ("the ministry", "official")),
        mention("Atlantic Courier", ("Free Highlands Movement", "party"), article="ac-2"),
        mention("Highland Voice", ("FHM", "party")),
        mention("Atlantic Courier", ("the separatists' spokesman", "party"), article="ac-3"),
        mention("Highland Voice", ("the army", "party"), article="hv-2"),
    ]
    aliases = story_aliases(story)
    identity = [apply_aliases(m, aliases).origin_key for m in story]
    assert len(set(identity[:4])) == 1
    assert len(set(identity[4:7])) == 1
    assert len({identity[0], identity[4], identity[7]}) == 3
    assert apply_aliases(story[5], aliases).origin == "Free Highlands Movement"


def test_a_headline_topic_read_as_a_source_adds_no_origin():
    # "Bellmar explosion: two guards hurt": the words before the colon are a topic, not a source.
    mentions = resolve_origins([
        mention("Metro Bulletin", ("Bellmar explosion", "unknown"), article="mb"),
        mention("Metro Bulletin", ("the city hospital", "organisation"), article="mb"),
        mention("Daily Ledger", ("Bellmar City Hospital", "organisation")),
        mention("Radio Delta", ("the electoral commission", "official")),
    ])
    assert len(independent_origins(mentions)) == 2
    assert mentions[0].origin == "Bellmar City Hospital"  # the named label, not the topic


def test_an_unknown_source_alone_in_its_article_stays_an_origin():
    assert origin_count(
        mention("Metro Bulletin", ("Bellmar explosion", "unknown"), article="mb"),
        mention("Daily Ledger", ("Bellmar City Hospital", "organisation")),
    ) == 2


def _in_sentence(m: Mention, sentence: str) -> Mention:
    whole = TextSpan.of(sentence, 0, len(sentence))
    return replace(m, claim=replace(m.claim, span=whole, sentence=whole))


def test_a_description_fitting_several_bodies_names_the_one_its_sentence_names():
    company = mention("Radio Delta", ("Halvard Motors", "organisation"))
    union = mention("Daily Ledger", ("Metalworkers' Union", "organisation"))
    statement = _in_sentence(
        mention("Valley Times", ("Northern Wire", "outlet"), ("a company statement",
                                                              "organisation")),
        "Carmaker Halvard Motors plans to close its plant, Northern Wire reported, citing a "
        "company statement.")
    resolved = resolve_origins([company, union, statement])
    assert resolved[2].origin_key == resolved[0].origin_key
    assert len(independent_origins(resolved)) == 2
    # a sentence naming neither leaves the description apart rather than guess
    vague = _in_sentence(statement, "The plant will close, citing a company statement.")
    assert len(independent_origins(resolve_origins([company, union, vague]))) == 3


def test_origin_labels_add_the_acronyms_outlets_used():
    movement = mention("Atlantic Courier", ("Free Highlands Movement", "party"))
    acronym = mention("Highland Voice", ("the FHM", "party"))
    ministry = mention("Northern Wire", ("defence ministry", "official"))
    resolved = resolve_origins([movement, acronym, ministry])
    assert origin_labels(resolved) == ["Free Highlands Movement (FHM)", "defence ministry"]
    assert independent_origins(resolved) == ["Free Highlands Movement", "defence ministry"]
