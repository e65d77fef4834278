import pickle

import pytest
from sklearn.base import clone

from clientflags.preprocessing import FrenchLemmatizer, prepare_text, strip_accents


@pytest.fixture(scope="module", params=["spacy", "lookup"])
def lemmatizer(request, tiny_csv):
    """Both lemmatizers must apply the same feature rules.

    The lookup one learns its lexicon from the tiny dataset only, so most
    words below reach it unseen and exercise the lemma-table fallback.
    """
    if request.param == "spacy":
        return FrenchLemmatizer()
    import pandas as pd

    from clientflags.lookup import LookupLemmatizer

    texts = [prepare_text(t).text for t in pd.read_csv(tiny_csv)["text"]]
    return LookupLemmatizer().fit([*texts, "Sans problème, je vous envoie le devis."])


def tokens(lemmatizer, text):
    return lemmatizer.transform([text])[0].split()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (None, "got None"),
        (42, "got int"),
        (b"Bonjour", "decode"),
        (["a", "b"], "classify_many"),
    ],
)
def test_prepare_text_rejects_non_strings(bad, message):
    with pytest.raises(TypeError, match=message):
        prepare_text(bad)


def test_prepare_text_strips_html_and_says_so():
    prepared = prepare_text("<html><body><p>Bonjour&nbsp;!</p><script>x()</script><div>Merci</div></body></html>")
    assert prepared.text == "Bonjour !\nMerci"
    assert any("HTML" in w for w in prepared.warnings)


def test_prepare_text_truncates_huge_texts():
    prepared = prepare_text("Bonjour " * 10_000, max_chars=1_000)
    assert len(prepared.text) <= 1_000
    assert any("truncated" in w for w in prepared.warnings)


def test_prepare_text_warns_on_non_french():
    english = prepare_text("Hello, thanks for the invoice, we will pay it when the accountant is back next week.")
    french = prepare_text("Bonjour, merci pour la facture, nous la paierons quand le comptable sera de retour.")
    assert any("French" in w for w in english.warnings)
    assert french.warnings == ()


def test_prepare_text_normalises_quotes_and_spaces():
    assert prepare_text("  l’acompte\u00a0 est  versé \r\n").text == "l'acompte est versé"


def test_strip_accents():
    assert strip_accents("réglé à l'échéance") == "regle a l'echeance"


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Je ne paierai pas l'acompte.", ["neg_payer", "neg_acompte"], ["payer"]),
        ("je paie pas", ["neg_payer"], ["payer"]),
        ("Pas d'acompte.", ["neg_acompte"], ["acompte"]),
        ("Je n'ai jamais reçu la facture.", ["neg_recevoir", "neg_facture"], ["facture"]),
        ("Sans acompte.", ["neg_acompte"], []),
        ("Je ne paierai que la moitié.", ["_restriction_", "payer"], ["neg_payer"]),
        ("Je ne paierai pas, mais la facture est bonne.", ["neg_payer", "facture"], ["neg_facture"]),
    ],
)
def test_negation_scope(lemmatizer, text, expected, absent):
    got = tokens(lemmatizer, text)
    for token in expected:
        assert token in got, got
    for token in absent:
        assert token not in got, got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Relancez-moi dans 60 jours.", "_num_jour"),
        ("Le devis de 1 500 € est validé.", "_montant_"),
        ("Le devis de 1500€ est validé.", "_montant_"),
        ("Ça vous prendra cinq minutes.", "_num_minute"),
        ("Rendez-vous à 14h30.", "_heure_"),
        ("Le 12/03/2025 au plus tard.", "_date_"),
        ("Une remise de 20 % ?", "_num_pourcent"),
    ],
)
def test_numbers_become_unit_tokens(lemmatizer, text, expected):
    got = tokens(lemmatizer, text)
    assert expected in got, got
    assert not any(ch.isdigit() for token in got for ch in token), got


def test_lemmas_are_lowercase_without_accents(lemmatizer):
    got = tokens(lemmatizer, "Les Maquettes étaient RÉUSSIES")
    assert "maquette" in got
    assert all(token == strip_accents(token.lower()) for token in got)


def test_insistence_markers(lemmatizer):
    got = tokens(lemmatizer, "URGENT !!! rappelez-moi 😡")
    assert "_majuscules_" in got and "_ponctuation_multiple_" in got and "_emoji_" in got


def test_is_a_scikit_learn_citizen_and_never_pickles_spacy():
    lemmatizer = FrenchLemmatizer()
    copy = clone(FrenchLemmatizer(mark_negation=False))
    assert copy.get_params()["mark_negation"] is False
    lemmatizer.transform(["Bonjour"])  # the spaCy pipeline is now loaded and cached
    assert len(pickle.dumps(lemmatizer)) < 1_000
    with pytest.raises(ValueError, match="valid"):
        FrenchLemmatizer().set_params(colour="red")


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Bonjour,\nMerci pour tout. À bientôt !", ["Bonjour,", "Merci pour tout.", "À bientôt !"]),
        ("Une seule phrase sans point", ["Une seule phrase sans point"]),
        ("Ligne 1\n\n\nLigne 2 ? Oui.", ["Ligne 1", "Ligne 2 ?", "Oui."]),
        ("", []),
    ],
)
def test_split_sentences_gives_offsets(text, sentences):
    from clientflags.preprocessing import split_sentences

    assert [text[a:b] for a, b in split_sentences(text)] == sentences


def test_participles_can_get_a_feature_of_their_own():
    plain = FrenchLemmatizer().transform(["L'acompte est versé."])[0].split()
    marked = FrenchLemmatizer(mark_participles=True).transform(["L'acompte est versé."])[0].split()
    assert "verser" in plain and "verser_pp" in marked and "verser" not in marked
