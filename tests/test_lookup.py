import pickle

import pytest

from clientflags.lookup import LookupLemmatizer, spacy_hash
from clientflags.preprocessing import FrenchLemmatizer, prepare_text

TEXTS = [
    "Bonjour, je ne paierai pas l'acompte avant d'avoir vu les maquettes.",
    "Merci pour la facture, le virement de 1 200 € part aujourd'hui.",
    "Pouvez-vous ajouter une page ? Envoyez-moi un devis.",
]


@pytest.fixture(scope="module")
def fitted():
    return LookupLemmatizer().fit([prepare_text(t).text for t in TEXTS])


@pytest.mark.parametrize("word", ["", "a", "payé", "acompte", "aujourd'hui", "exactement8", "😀", "x" * 41])
def test_spacy_hash_matches_spacy(word):
    from spacy.strings import hash_string

    assert spacy_hash(word) == hash_string(word)


def test_reproduces_spacy_on_the_texts_it_learned_from(fitted):
    texts = [prepare_text(t).text for t in TEXTS]
    assert fitted.transform(texts) == FrenchLemmatizer().transform(texts)


def test_unseen_words_get_their_lemma_from_spacy_table(fitted):
    (tokens,) = fitted.transform(["Les clients réglèrent leurs factures."])
    assert {"client", "regler", "facture"} <= set(tokens.split())


def test_transform_needs_a_fit():
    with pytest.raises(ValueError, match="fit"):
        LookupLemmatizer().transform(["Bonjour"])


def test_pickle_leaves_the_word_cache_behind(fitted):
    fitted.transform(TEXTS)
    assert "_entries" in fitted.__dict__
    copy = pickle.loads(pickle.dumps(fitted))
    assert "_entries" not in copy.__dict__
    assert copy.transform(TEXTS) == fitted.transform(TEXTS)


def test_sentences_features_join_into_the_text_features(fitted):
    text = prepare_text("Bonjour,\nJe ne paierai pas. Envoyez la facture !").text
    sentences = fitted.sentences(text)
    assert [text[a:b] for a, b, _ in sentences] == ["Bonjour,", "Je ne paierai pas.", "Envoyez la facture !"]
    assert " ".join(f for _, _, f in sentences if f) == fitted.transform([text])[0]
    assert sentences[1][2] == fitted.transform(["Je ne paierai pas."])[0]


def test_changing_a_feature_setting_after_use_is_not_hidden_by_the_cache():
    lemmatizer = LookupLemmatizer().fit(["L'acompte est versé."])
    assert "verser_pp" not in lemmatizer.transform(["L'acompte est versé."])[0].split()
    lemmatizer.set_params(mark_participles=True)
    assert "verser_pp" in lemmatizer.transform(["L'acompte est versé."])[0].split()
