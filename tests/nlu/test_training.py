"""Training is skipped while config and data are unchanged; setup errors say what is missing."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest

from core.settings import PROJECT_ROOT
from nlu import training
from nlu.errors import NLUSetupError
from nlu.evaluate import EVAL_SETS, read_labelled
from nlu.normalize import normalize
from nlu.training_data import short_annotations
from tests.helpers.settings import make_settings


def test_an_up_to_date_model_is_not_retrained(tmp_path: Path) -> None:
    existing = training.model_path(tmp_path)
    existing.write_bytes(b"model")
    # No Rasa at this path: reaching the training step would raise.
    assert training.train(venv=tmp_path / "no-venv", model_dir=tmp_path) == existing


def test_changed_data_needs_a_new_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    training.model_path(tmp_path).write_bytes(b"model")
    data = tmp_path / "data"
    data.mkdir()
    for path in training.DATA_DIR.glob("*.yml"):
        (data / path.name).write_bytes(path.read_bytes())
    before = training.data_hash()
    monkeypatch.setattr(training, "DATA_DIR", data)
    assert training.data_hash() == before
    with (data / "en.yml").open("a") as handle:
        handle.write("    - one more way to ask for a doctor\n")
    assert training.data_hash() != before
    with pytest.raises(NLUSetupError, match="make nlu-env"):
        training.train(venv=tmp_path / "no-venv", model_dir=tmp_path)


def test_missing_python_310_is_named(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "PYENV_ROOT": str(tmp_path), "HOME": str(tmp_path)}
    completed = subprocess.run(
        ["/bin/bash", str(PROJECT_ROOT / "scripts" / "find-python310.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "needs Python 3.10" in completed.stderr
    assert "~/.pyenv/versions/3.10*" in completed.stderr


def test_python_310_is_found_on_this_machine() -> None:
    completed = subprocess.run(
        ["/bin/bash", str(PROJECT_ROOT / "scripts" / "find-python310.sh")],
        env={**os.environ},
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip().endswith("python3.10")


SENTENCE_VECTORS = PROJECT_ROOT / "nlu" / "experiments" / "k-g-sentence-encoder.yml"


def test_a_config_naming_a_component_depends_on_its_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "dalil_sentence_features.py"
    source.write_bytes((training.COMPONENTS_DIR / source.name).read_bytes())
    monkeypatch.setattr(training, "COMPONENTS_DIR", tmp_path)
    served, with_vectors = training.data_hash(), training.data_hash(config=SENTENCE_VECTORS)
    with source.open("a") as handle:
        handle.write("# changed\n")
    assert training.data_hash() == served
    assert training.data_hash(config=SENTENCE_VECTORS) != with_vectors


def test_the_sentence_featurizer_runs_in_the_rasa_environment() -> None:
    """Rasa's Python finds Dalil's component, and the encoder's weights in its package."""
    code = (
        "from rasa.shared.nlu.training_data.message import Message\n"
        "from dalil_sentence_features import SentenceEncoderFeaturizer as F\n"
        "featurizer = F(F.get_default_config(), 'f')\n"
        "message = Message(data={'text': 'اين اجد طبيبا'})\n"
        "featurizer.process([message])\n"
        "(features,) = message.features\n"
        "print(features.type, features.attribute, features.features.shape)\n"
    )
    assert _run_in_rasa(code)[-1] == "sentence text (1, 512)"


def test_prepared_annotations_mean_to_rasa_what_the_data_says(tmp_path: Path) -> None:
    """Every JSON annotation of the data is written in the short form, and Rasa's own parser
    finds the same entities, spans and values in both."""
    pairs = []
    for path in sorted(training.DATA_DIR.glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- ") and '{"entity"' in line:
                original = normalize(line.strip()[2:])
                pairs.append((original, short_annotations(original)))
    assert len(pairs) > 1000
    assert not [short for _, short in pairs if '{"entity"' in short]
    training.prepare_data(tmp_path)
    assert not [p.name for p in tmp_path.glob("*.yml") if '{"entity"' in p.read_text()]

    script = (
        "import json, sys\n"
        "from rasa.shared.nlu.training_data.entities_parser import "
        "find_entities_in_training_example as find\n"
        "pairs = json.load(sys.stdin)\n"
        "print(json.dumps([find(a) == find(b) for a, b in pairs]))\n"
    )
    python = training.rasa_executable(PROJECT_ROOT / ".venv-nlu").parent / "python"
    done = subprocess.run(
        [str(python), "-c", script],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        check=True,
        env=training.rasa_environment(),
    )
    same = json.loads(done.stdout)
    assert [pair for pair, equal in zip(pairs, same, strict=True) if not equal] == []


def test_sentence_features_only_drops_the_texts_token_features() -> None:
    """The text keeps its sentence vector and one empty column per token; responses keep all;
    the message's fingerprint changes, so Rasa's cache cannot mix up models with and without."""
    code = (
        "import numpy\n"
        "from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer as T\n"
        "from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (\n"
        "    CountVectorsFeaturizer as C)\n"
        "from rasa.shared.nlu.training_data.message import Message\n"
        "from rasa.shared.nlu.training_data.training_data import TrainingData\n"
        "from dalil_sentence_only import SentenceFeaturesOnly as S\n"
        "import pathlib, tempfile\n"
        "from rasa.engine.graph import ExecutionContext, GraphSchema\n"
        "from rasa.engine.storage.local_model_storage import LocalModelStorage\n"
        "from rasa.engine.storage.resource import Resource\n"
        "texts = ['where can I see a doctor', 'I need a doctor now', 'where to sleep']\n"
        "messages = [Message(data={'text': t, 'intent': 'x', 'response': t + ' here'})\n"
        "            for t in texts]\n"
        "data = TrainingData(messages)\n"
        "T(T.get_default_config()).process_training_data(data)\n"
        "storage = LocalModelStorage(pathlib.Path(tempfile.mkdtemp()))\n"
        "c = C({**C.get_default_config(), 'min_df': 1}, storage, Resource('words'),\n"
        "      ExecutionContext(GraphSchema({}), 'test'))\n"
        "c.train(data)\n"
        "c.process_training_data(data)\n"
        "before = {f.type + '/' + f.attribute: f.features.toarray()\n"
        "          for f in messages[0].features}\n"
        "fingerprint = messages[0].fingerprint()\n"
        "S.create({}, None, None, None).process_training_data(data)\n"
        "after = {f.type + '/' + f.attribute: f for f in messages[0].features}\n"
        "print(sorted(after))\n"
        "seq = after['sequence/text'].features\n"
        "print(seq.shape, seq.nnz, after['sequence/text'].origin)\n"
        "print(numpy.array_equal(after['sentence/text'].features.toarray(),\n"
        "                        before['sentence/text']))\n"
        "print(numpy.array_equal(after['sequence/response'].features.toarray(),\n"
        "                        before['sequence/response']))\n"
        "print(messages[0].fingerprint() != fingerprint)\n"
    )
    lines = _run_in_rasa(code)[-5:]
    assert lines[0] == str(
        ["sentence/response", "sentence/text", "sequence/intent", "sequence/response",
         "sequence/text"]
    )  # fmt: skip
    assert lines[1] == "(6, 1) 0 SentenceFeaturesOnly"
    # Sentence and response features unchanged; Rasa's training cache sees the change.
    assert lines[2:] == ["True", "True", "True"]


def test_seed_ensemble_answers_the_mean_of_its_classifiers() -> None:
    """Each ranking put aside after its classifier, the mean written as ranking and intent;
    nothing extra in what a parse returns; a message no classifier ranked is left alone."""
    code = (
        "import json\n"
        "from rasa.shared.nlu.training_data.message import Message\n"
        "from dalil_seed_ensemble import KeepRanking, MeanRanking\n"
        "keep = KeepRanking.create({}, None, None, None)\n"
        "mean = MeanRanking.create({}, None, None, None)\n"
        "ranked, unranked = Message(data={'text': 'a'}), Message(data={'text': 'b'})\n"
        "rankings = [[('emergency', 0.6), ('find_health', 0.3), ('greet', 0.1)],\n"
        "            [('find_health', 0.7), ('emergency', 0.2), ('greet', 0.1)],\n"
        "            [('find_health', 0.5), ('emergency', 0.4), ('thanks', 0.1)]]\n"
        "for ranking in rankings:\n"
        "    items = [{'name': n, 'confidence': c} for n, c in ranking]\n"
        "    ranked.set('intent', items[0], add_to_output=True)\n"
        "    ranked.set('intent_ranking', items, add_to_output=True)\n"
        "    keep.process([ranked, unranked])\n"
        "mean.process([ranked, unranked])\n"
        "print(json.dumps(ranked.as_dict(only_output_properties=True), sort_keys=True))\n"
        "print(json.dumps(unranked.as_dict(only_output_properties=True), sort_keys=True))\n"
        "print(sorted(ranked.data))\n"
    )
    answer, untouched, keys = _run_in_rasa(code)[-3:]
    parsed = json.loads(answer)
    assert [item["name"] for item in parsed["intent_ranking"]] == [
        "find_health", "emergency", "greet", "thanks"
    ]  # fmt: skip
    confidences = [item["confidence"] for item in parsed["intent_ranking"]]
    assert confidences == pytest.approx([0.5, 0.4, 0.2 / 3, 0.1 / 3])
    assert parsed["intent"] == parsed["intent_ranking"][0]
    assert json.loads(untouched) == {"text": "b"}
    assert keys == str(["intent", "intent_ranking", "text"])


# What the featurising tests run first in Rasa's Python: its components, an execution context
# and a model storage in a fresh folder.
RASA_SETUP = (
    "import copy, numpy, pathlib, tempfile, scipy.sparse\n"
    "from rasa.engine.graph import ExecutionContext, GraphSchema\n"
    "from rasa.engine.storage.local_model_storage import LocalModelStorage\n"
    "from rasa.engine.storage.resource import Resource\n"
    "from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer as T\n"
    "from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (\n"
    "    CountVectorsFeaturizer as C)\n"
    "from rasa.nlu.classifiers.diet_classifier import DIETClassifier as D\n"
    "from rasa.shared.nlu.training_data.loading import load_data\n"
    "import dalil_fast_training as F\n"
    "context = ExecutionContext(GraphSchema({}), 'test')\n"
    "storage = LocalModelStorage(pathlib.Path(tempfile.mkdtemp()))\n"
)


def test_side_by_side_classifiers_answer_the_mean_of_their_members() -> None:
    """Two DIETs trained side by side on real data: they learn different weights; a parse
    answers, for every intent, the mean of the two members' own confidences; the model saved
    and loaded again answers the same."""
    code = RASA_SETUP + (
        "from dalil_sentence_only import SentenceFeaturesOnly as S\n"
        "from dalil_side_by_side import SideBySideDIET as B\n"
        "from rasa.shared.nlu.training_data.message import Message\n"
        f"data = load_data('{training.DATA_DIR / 'fr.yml'}')\n"
        "T(T.get_default_config()).process_training_data(data)\n"
        "words = C({**C.get_default_config(), 'min_df': 2}, storage, Resource('w'), context)\n"
        "words.train(data)\n"
        "words.process_training_data(data)\n"
        "S.create({}, None, None, None).process_training_data(data)\n"
        "config = {**B.get_default_config(), 'members': 2, 'epochs': 3, 'ranking_length': 0,\n"
        "          'number_of_transformer_layers': 0, 'entity_recognition': False,\n"
        "          'random_seed': 7}\n"
        "trained = B.create(config, storage, Resource('b'), context)\n"
        "trained.train(data)\n"
        "texts = ['ma fille est malade, où voir un médecin', 'je cherche un logement',\n"
        "         'au secours il y a le feu']\n"
        "def messages():\n"
        "    out = [Message(data={'text': t}) for t in texts]\n"
        "    T(T.get_default_config()).process(out)\n"
        "    words.process(out)\n"
        "    S.create({}, None, None, None).process(out)\n"
        "    return out\n"
        "def confidences(classifier):\n"
        "    parsed = classifier.process(messages())\n"
        "    return [{i['name']: i['confidence'] for i in m.get('intent_ranking')}\n"
        "            for m in parsed]\n"
        "names = {i: n for i, n in trained.index_label_id_mapping.items()}\n"
        "each = []\n"
        "for member in trained.model.members:\n"
        "    scores = [member.run_inference(trained._create_model_data([m], training=False))\n"
        "              ['i_scores'].flatten() for m in messages()]\n"
        "    each.append([{names[i]: float(s) for i, s in enumerate(row)} for row in scores])\n"
        "answers = confidences(trained)\n"
        "loaded = confidences(B.load(config, storage, Resource('b'), context))\n"
        "worst = max(abs(a[n] - (x[n] + y[n]) / 2)\n"
        "            for a, x, y in zip(answers, *each) for n in a)\n"
        "apart = max(abs(x[n] - y[n]) for x, y in zip(*each) for n in x)\n"
        "again = max(abs(a[n] - b[n]) for a, b in zip(answers, loaded) for n in a)\n"
        "print(len(trained.model.members), len(answers[0]), len(names), worst, apart, again)\n"
    )
    members, ranked, intents, worst, apart, again = _run_in_rasa(code)[-1].split()
    assert int(members) == 2
    assert int(ranked) == int(intents) > 10
    assert float(worst) < 1e-6
    assert float(apart) > 1e-3
    assert float(again) < 1e-6


def test_the_emergency_check_learns_emergencies_and_answers_the_same_once_loaded() -> None:
    """Trained on real data, the check tells an emergency from an ordinary need; it writes
    its probability into what a parse returns only where the first intent is `emergency`;
    loaded again from the model storage, it answers the same to the digit."""
    code = RASA_SETUP + (
        "from dalil_emergency_check import EmergencyCheck as E\n"
        "from rasa.shared.nlu.training_data.message import Message\n"
        f"data = load_data('{training.DATA_DIR / 'fr.yml'}')\n"
        "check = E.create(E.get_default_config(), storage, Resource('e'), context)\n"
        "check.train(data)\n"
        "texts = ['au secours il y a le feu chez nous', 'je cherche un cours de francais',\n"
        "         'je cherche un logement']\n"
        "def parsed(component):\n"
        "    out = [Message(data={'text': t}) for t in texts]\n"
        "    for m, name in zip(out, ['emergency', 'emergency', 'find_housing']):\n"
        "        m.set('intent', {'name': name, 'confidence': 0.9}, add_to_output=True)\n"
        "    component.process(out)\n"
        "    return [m.as_dict(only_output_properties=True).get('emergency_check') for m in out]\n"
        "loaded = E.load(E.get_default_config(), storage, Resource('e'), context)\n"
        "print(json.dumps([parsed(check), parsed(loaded)]))\n"
    )
    trained, loaded = json.loads(_run_in_rasa("import json\n" + code)[-1])
    fire, course, housing = trained
    assert fire > 0.5 > course
    assert housing is None
    assert loaded == trained


def test_fast_batches_are_rasas_batches() -> None:
    """Every batch of three epochs of real data, and every epoch's number of batches, is the
    same, array for array, from Rasa's generator and from dalil_fast_training's (which
    shuffles and balances positions and cuts batches out of features made once): balanced
    and in sequence, shuffled or not; with the token features as the featurisers write them,
    as the served pipeline keeps them, and with a feature that has no arrays."""
    code = RASA_SETUP + (
        "from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator as G\n"
        "from rasa.utils.tensorflow.data_generator import RasaDataGenerator as R\n"
        "from dalil_sentence_only import SentenceFeaturesOnly as S\n"
        f"data = load_data('{training.DATA_DIR / 'fr.yml'}')\n"
        "T(T.get_default_config()).process_training_data(data)\n"
        "base = {**C.get_default_config(), 'min_df': 2}\n"
        "chars = {**base, 'analyzer': 'char_wb', 'min_ngram': 2, 'max_ngram': 4}\n"
        "for name, config in (('words', base), ('chars', chars)):\n"
        "    c = C(config, storage, Resource(name), context)\n"
        "    c.train(data)\n"
        "    c.process_training_data(data)\n"
        "diet = D.create({**D.get_default_config(), 'number_of_transformer_layers': 0,\n"
        "                 'entity_recognition': False}, storage, Resource('d'), context)\n"
        "def batches(model_data, strategy, shuffle):\n"
        "    numpy.random.seed(7)\n"
        "    g = G(model_data, batch_size=[64, 256], epochs=3, batch_strategy=strategy,\n"
        "          shuffle=shuffle)\n"
        "    out = []\n"
        "    for _ in range(3):\n"
        "        out.append((len(g),))\n"
        "        out.extend(g[i][0] for i in range(len(g)))\n"
        "        g.on_epoch_end()\n"
        "    return out\n"
        "def same(a, b):\n"
        "    if isinstance(a, int) or a is None or b is None:\n"
        "        return a == b if isinstance(a, int) else a is b\n"
        "    return a.dtype == b.dtype and a.shape == b.shape and numpy.array_equal(a, b)\n"
        "rasas = (R._scipy_matrix_to_values, G._shuffle_and_balance, G.__getitem__)\n"
        "for case in ('tokens', 'sentences', 'empty'):\n"
        "    if case == 'sentences':\n"
        "        S.create({}, None, None, None).process_training_data(data)\n"
        "    model_data = diet.preprocess_train_data(data)\n"
        "    if case == 'empty':\n"
        "        model_data.data['text']['nothing'] = []\n"
        "    for strategy, shuffle in (('balanced', True), ('sequence', True),\n"
        "                              ('sequence', False), ('balanced', False)):\n"
        "        R._scipy_matrix_to_values = staticmethod(rasas[0])\n"
        "        G._shuffle_and_balance, G.__getitem__ = rasas[1:]\n"
        "        theirs = batches(model_data, strategy, shuffle)\n"
        "        assert F.apply() and G.__getitem__ is F._batch_at\n"
        "        ours = batches(model_data, strategy, shuffle)\n"
        "        pairs = [(a, b) for x, y in zip(theirs, ours, strict=True)\n"
        "                 for a, b in zip(x, y, strict=True)]\n"
        "        nones = sum(a is None for x in theirs for a in x)\n"
        "        print(case, strategy, shuffle, len(theirs), len(pairs), nones,\n"
        "              all(same(a, b) for a, b in pairs))\n"
    )
    lines = [line.split() for line in _run_in_rasa(code)[-12:]]
    assert [line[:3] for line in lines] == [
        [case, strategy, shuffle]
        for case in ("tokens", "sentences", "empty")
        for strategy, shuffle in (
            ("balanced", "True"),
            ("sequence", "True"),
            ("sequence", "False"),
            ("balanced", "False"),
        )
    ]
    for case, strategy, shuffle, batches, arrays, nones, equal in lines:
        assert int(batches) >= 10
        assert int(arrays) > 100
        assert equal == "True"
        # Shuffling or balancing leaves a feature without arrays out; neither, a None for it.
        expected_nones = case == "empty" and strategy == "sequence" and shuffle == "False"
        assert (int(nones) > 0) == expected_nones


def test_counts_in_batches_are_rasas_counts() -> None:
    """Every feature the word and character counts add to real training data, through
    Rasa's featuriser one message at a time and through dalil_fast_training's batches, is the
    same matrix (values, indices, types, shape), of the same kind, in the same place."""
    code = RASA_SETUP + (
        f"data = load_data('{training.DATA_DIR / 'fr.yml'}')\n"
        f"data = data.merge(load_data('{training.DATA_DIR / 'ar_voices.yml'}'))\n"
        f"data = data.merge(load_data('{training.DATA_DIR / 'en_info.yml'}'))\n"
        "T(T.get_default_config()).process_training_data(data)\n"
        "words = {**C.get_default_config(), 'min_df': 2, 'OOV_token': 'oov'}\n"
        "known = {**words, 'OOV_words': ['the', 'de']}  # 'oov' in the vocabulary\n"
        "unseen = {**words, 'OOV_words': ['xyzzy']}  # not in it\n"
        "chars = {**C.get_default_config(), 'analyzer': 'char_wb', 'min_ngram': 2,\n"
        "         'max_ngram': 4, 'min_df': 2, 'max_features': 10000}\n"
        "def key(f):\n"
        "    m = f.features\n"
        "    return (type(m).__name__, f.type, f.attribute, f.origin, m.shape, m.row.dtype,\n"
        "            m.col.dtype, m.data.dtype, m.row.tobytes(), m.col.tobytes(),\n"
        "            m.data.tobytes(), [(k, type(v).__name__) for k, v in vars(m).items()],\n"
        "            m.maxprint, m.has_canonical_format)\n"
        "for name, config in (('words', words), ('known', known), ('unseen', unseen),\n"
        "                     ('chars', chars)):\n"
        "    rasas, fast = copy.deepcopy(data), copy.deepcopy(data)\n"
        "    c = C(config, storage, Resource(name), context)\n"
        "    c.train(rasas)\n"
        "    c.process(rasas.training_examples)\n"
        "    assert F.apply()\n"
        "    c.process_training_data(fast)\n"
        "    pairs = list(zip(rasas.training_examples, fast.training_examples, strict=True))\n"
        "    same = all([key(f) for f in a.features] == [key(f) for f in b.features]\n"
        "               for a, b in pairs)\n"
        "    kinds = {(f.type, f.attribute) for a, _ in pairs for f in a.features}\n"
        "    oov = 'oov' in c.vectorizers['text'].vocabulary_\n"
        "    print(name, len(pairs), sum(len(a.features) for a, _ in pairs), len(kinds), same,\n"
        "          oov)\n"
    )
    lines = _run_in_rasa(code)[-4:]
    assert [line.split()[0] for line in lines] == ["words", "known", "unseen", "chars"]
    # Rasa's three ways with unknown words: none, 'oov' learnt in place of listed words, and
    # listed words that never occur.
    assert [line.split()[-1] for line in lines] == ["False", "True", "False", "False"]
    for line in lines:
        name, examples, features, kinds, same, _ = line.split()
        assert int(examples) > 1_000
        # The text as tokens and as a sentence for every example; the word counts also count
        # the intent's name and the rumour's key.
        assert int(features) >= 2 * int(examples)
        assert int(kinds) == (2 if name == "chars" else 4)
        assert same == "True"


def test_counts_of_word_pairs_skip_what_learnt_no_pairs() -> None:
    """A featuriser of word pairs learns none from the one-word intent names: Rasa leaves that
    vectoriser unfitted and then fails on it in its own `process` of the training data, while
    dalil_fast_training gives the intents no features and every text the pairs Rasa gives the
    same text at parse time."""
    code = RASA_SETUP + (
        "from sklearn.exceptions import NotFittedError\n"
        "from rasa.shared.nlu.training_data.message import Message\n"
        f"data = load_data('{training.DATA_DIR / 'en.yml'}')\n"
        "T(T.get_default_config()).process_training_data(data)\n"
        "pairs = {**C.get_default_config(), 'min_ngram': 2, 'max_ngram': 2, 'min_df': 2}\n"
        "c = C(pairs, storage, Resource('pairs'), context)\n"
        "c.train(data)\n"
        "try:\n"
        "    c.process(copy.deepcopy(data).training_examples)\n"
        "    print('rasa processed')\n"
        "except NotFittedError:\n"
        "    print('rasa failed')\n"
        "assert F.apply()\n"
        "c.process_training_data(data)\n"
        "same = with_pairs = 0\n"
        "for example in data.training_examples:\n"
        "    assert all(f.attribute != 'intent' for f in example.features)\n"
        "    parsed = Message(data={'text': example.get('text')})\n"
        "    T(T.get_default_config()).process([parsed])\n"
        "    c.process([parsed])\n"
        "    mine = [f for f in example.features if f.attribute == 'text']\n"
        "    same += [(f.type, f.features.toarray().tobytes()) for f in mine] == [\n"
        "        (f.type, f.features.toarray().tobytes()) for f in parsed.features]\n"
        "    with_pairs += any(f.type == 'sentence' and f.features.nnz for f in mine)\n"
        "print(len(data.training_examples), same, with_pairs)\n"
    )
    failed, counts = _run_in_rasa(code)[-2:]
    assert failed == "rasa failed"
    examples, same, with_pairs = (int(n) for n in counts.split())
    assert examples > 500
    assert same == examples
    assert with_pairs > examples // 2


def test_message_shape_features_name_how_a_message_is_put() -> None:
    """The shape featuriser (configuration AH, not served) writes one sparse sentence row per
    text, with a column for each of: first word, first two words, last word, closing question
    mark, exclamation mark, length band; the same columns in any process."""
    code = (
        "from rasa.shared.nlu.training_data.message import Message\n"
        "from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer as T\n"
        "from dalil_message_shape import MessageShapeFeaturizer as S, bucket_of\n"
        "shape = S(S.get_default_config(), 's')\n"
        "for text in ('how does the health insurance work?', 'help!! my son is not breathing',\n"
        "             'وين المستشفي؟'):\n"
        "    message = Message(data={'text': text})\n"
        "    T(T.get_default_config()).process([message])\n"
        "    shape.process([message])\n"
        "    (f,) = message.features\n"
        "    print(f.type, f.attribute, f.features.shape, sorted(f.features.col.tolist()))\n"
        "print(sorted(bucket_of(n, 4096) for n in ('^how', '^how does', '$work', '?', '#4-7')))\n"
    )
    question, cry, arabic, expected = _run_in_rasa(code)[-4:]
    assert question.startswith("sentence text (1, 4096) ")
    assert question.split(" ", 4)[-1] == expected
    # A cry: no question mark, but "!"; five columns like the question's.
    assert len(cry.split(" ", 4)[-1].split(",")) == 5
    # The Arabic question mark closes a question too: first, first two, last, "?", length.
    assert len(arabic.split(" ", 4)[-1].split(",")) == 5


def test_joined_features_are_rasas() -> None:
    """DIET's model data from real featurised examples (lookup-table regex features, which are
    floats, beside word and character counts, which are integers) is the same, array for
    array, with Rasa's hstack and with dalil_features' (put in place by dalil_fast_training)."""
    code = RASA_SETUP + (
        "from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import (\n"
        "    RegexFeaturizer as R)\n"
        f"data = load_data('{training.DATA_DIR / 'fr.yml'}')\n"
        "data.lookup_tables = [{'name': 'city', 'elements': ['lyon', 'paris', 'marseille']}]\n"
        "T(T.get_default_config()).process_training_data(data)\n"
        "r = R.create(R.get_default_config(), storage, Resource('regex'), context)\n"
        "r.train(data)\n"
        "r.process_training_data(data)\n"
        "chars = {**C.get_default_config(), 'analyzer': 'char_wb', 'min_ngram': 2,\n"
        "         'max_ngram': 4, 'min_df': 2}\n"
        "for name, config in (('words', C.get_default_config()), ('chars', chars)):\n"
        "    c = C(config, storage, Resource(name), context)\n"
        "    c.train(data)\n"
        "    c.process_training_data(data)\n"
        "diet = D.create({**D.get_default_config(), 'number_of_transformer_layers': 0,\n"
        "                 'entity_recognition': False}, storage, Resource('d'), context)\n"
        "rasas = diet.preprocess_train_data(copy.deepcopy(data))\n"
        "assert F.apply()\n"
        "fast = diet.preprocess_train_data(copy.deepcopy(data))\n"
        "def same(a, b):\n"
        "    if not scipy.sparse.issparse(a):\n"
        "        return a.dtype == b.dtype and numpy.array_equal(a, b)\n"
        "    return (type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype\n"
        "            and list(vars(a)) == list(vars(b)) and a.maxprint == b.maxprint\n"
        "            and a.has_canonical_format == b.has_canonical_format\n"
        "            and all(x.dtype == y.dtype and numpy.array_equal(x, y)\n"
        "                    for x, y in ((a.row, b.row), (a.col, b.col), (a.data, b.data))))\n"
        "pairs = [(a, b) for key in rasas.data for sub in rasas.data[key]\n"
        "         for x, y in zip(rasas.data[key][sub], fast.data[key][sub], strict=True)\n"
        "         for a, b in zip(x, y, strict=True)]\n"
        "kinds = {str(a.dtype) for a, _ in pairs if scipy.sparse.issparse(a)}\n"
        "print(len(pairs), sorted(kinds), all(same(a, b) for a, b in pairs))\n"
    )
    count, rest = _run_in_rasa(code)[-1].split(" ", 1)
    kinds, equal = rest.rsplit(" ", 1)
    assert int(count) > 3_000
    assert kinds == "['float64', 'int64']"
    assert equal == "True"


def test_combined_features_own_their_arrays() -> None:
    """A message's features combined by dalil_features (put in place by dalil_fast_training)
    are Rasa's (one, two and three sparse features; two dense; one dense; one sparse in
    canonical form, from a list of featurisers), their attributes in the same order, and
    share no array with the message's own features, which stay as they were: a change to one
    cannot reach the other."""
    code = RASA_SETUP + (
        "from rasa.shared.nlu.training_data.features import Features as X\n"
        "from rasa.shared.nlu.training_data.message import Message as M\n"
        "def sparse(values, origin):\n"
        "    return X(scipy.sparse.coo_matrix(numpy.array([values])), 'sentence', 'text', origin)\n"
        "def dense(values, origin):\n"
        "    return X(numpy.array([values], dtype=numpy.float32), 'sentence', 'text', origin)\n"
        "def arrays(f):\n"
        "    m = f.features\n"
        "    return [m] if isinstance(m, numpy.ndarray) else [m.row, m.col, m.data]\n"
        "def state(f):\n"
        "    m = f.features\n"
        "    kept = [(type(m).__name__, m.shape, m.dtype.str, f.origin, f.type, f.attribute,\n"
        "             list(vars(f)), f._cached_fingerprint)]\n"
        "    if scipy.sparse.issparse(m):\n"
        "        kept.append((list(vars(m)), m.has_canonical_format, m.maxprint))\n"
        "    return kept + [(a.dtype.str, a.tolist()) for a in arrays(f)]\n"
        "cases = [[sparse([0, 2], 'r')], [sparse([1, 0], 'r'), sparse([0, 3, 4], 'w')],\n"
        "         [sparse([1.5], 'r'), sparse([0, 3], 'w'), sparse([5, 0, 6], 'c')],\n"
        "         [dense([0.5, 1], 'a'), dense([2], 'b')], [dense([3, 4], 'd')],\n"
        "         [sparse([0, 7], ['x', 'y'])]]\n"
        "cases[-1][0].features.sum_duplicates()  # its flag set, as scipy sets it\n"
        "rasas = [M._combine_features(copy.deepcopy(c), ['w', 'c']) for c in cases]\n"
        "assert F.apply()\n"
        "before = [[state(f) for f in c] for c in cases]\n"
        "fast = [M._combine_features(c, ['w', 'c']) for c in cases]\n"
        "print([state(a) == state(b) for a, b in zip(rasas, fast)],\n"
        "      [[state(f) for f in c] for c in cases] == before,\n"
        "      any(numpy.shares_memory(a, b) for r, c in zip(fast, cases) for f in c\n"
        "          for a in arrays(r) for b in arrays(f)))\n"
    )
    assert _run_in_rasa(code)[-1] == "[True, True, True, True, True, True] True False"


def test_adam_in_one_pass_is_keras_adam() -> None:
    """`make nlu-env` builds dalil_adam.so, and the launcher trains with it: its update gives
    Keras' Adam's bits, also with an L2 penalty added as Rasa adds it, and the check that
    allows it notices an update off by one unit in the last place of the step size, or of the
    penalty. A gradient of the wrong shape is an error, not a write past the variable."""
    code = RASA_SETUP + (
        "import tensorflow as tf\n"
        "from keras.optimizers.adam import Adam\n"
        "assert F.apply()\n"
        "in_use = Adam.update_step is F._fused_adam_step\n"
        "ops = F._FUSED_OPS\n"
        "if not in_use or ops is None:\n"
        "    print('Keras Adam in use'); raise SystemExit\n"
        "def nudged(x):\n"
        "    return tf.experimental.numpy.nextafter(x, 1.0)\n"
        "class OffByOneUlp:  # the step size one unit in the last place larger\n"
        "    def dalil_adam_update(self, var, m, v, g, alpha, *rest):\n"
        "        return ops.dalil_adam_update(var, m, v, g, nudged(alpha), *rest)\n"
        "    def dalil_regularised_adam_update(self, var, m, v, g, alpha, *rest):\n"
        "        return ops.dalil_regularised_adam_update(var, m, v, g, nudged(alpha), *rest)\n"
        "class PenaltyOffByOneUlp:  # only the penalty's factor one unit larger\n"
        "    def dalil_adam_update(self, *inputs):\n"
        "        return ops.dalil_adam_update(*inputs)\n"
        "    def dalil_regularised_adam_update(self, *inputs):\n"
        "        return ops.dalil_regularised_adam_update(*inputs[:-1], nudged(inputs[-1]))\n"
        "F._FUSED_OPS = OffByOneUlp()\n"
        "off_by_one_ulp = F._fused_adam_is_keras()\n"
        "F._FUSED_OPS = PenaltyOffByOneUlp()\n"
        "penalty_off = F._fused_adam_is_keras()\n"
        "F._FUSED_OPS = ops\n"
        "v, m, s = (tf.Variable(tf.zeros((4, 3))) for _ in range(3))\n"
        "try:\n"
        "    ops.dalil_adam_update(v.handle, m.handle, s.handle, tf.zeros((3, 4)), 0.1, 0.1,\n"
        "                          0.001, 1e-7)\n"
        "    shape_error = 'none'\n"
        "except tf.errors.InvalidArgumentError as error:\n"
        "    shape_error = 'differ in shape' in str(error)\n"
        "print(in_use, F._fused_adam_is_keras(), off_by_one_ulp, penalty_off,\n"
        "      shape_error)\n"
    )
    assert _run_in_rasa(code)[-1] == "True True False False True"


def test_the_trainings_data_is_made_without_collections_and_frozen() -> None:
    """The launcher's imports are frozen out of the garbage collector's sight, and so is what
    `long_lived` makes (a child's inputs, the output of each node before DIET): no collection
    runs while it is made, where the same making alone runs several, none of the objects
    made is left for the collector, and its state is restored after, also after an error."""
    code = RASA_SETUP + (
        "import gc\n"
        "frozen_at_import = gc.get_freeze_count()\n"
        "collections = []\n"
        "gc.callbacks.append(lambda phase, info: collections.append(phase))\n"
        "def make():\n"
        "    return [{'example': n, 'features': [n]} for n in range(50_000)]\n"
        "collections.clear(); plain = make(); during_plain = len(collections)\n"
        "before = gc.get_freeze_count()\n"
        "collections.clear(); made = F.long_lived(make); during_long_lived = len(collections)\n"
        "tracked = {id(x) for x in gc.get_objects()}\n"
        "left = sum(id(example) in tracked for example in made)\n"
        "enabled_after = gc.isenabled()\n"
        "def fails():\n"
        "    raise RuntimeError('cannot make')\n"
        "try:\n"
        "    F.long_lived(fails)\n"
        "except RuntimeError:\n"
        "    pass\n"
        "enabled_after_error = gc.isenabled()\n"
        "gc.disable(); F.long_lived(make); stays_disabled = not gc.isenabled(); gc.enable()\n"
        "print(frozen_at_import > 100_000, during_plain > 0, during_long_lived,\n"
        "      gc.get_freeze_count() - before >= 100_000, left, enabled_after,\n"
        "      enabled_after_error, stays_disabled)\n"
    )
    assert _run_in_rasa(code)[-1].split() == ["True", "True", "0", "True", "0"] + ["True"] * 3


def test_keras_steps_read_once_an_epoch_are_keras_steps() -> None:
    """A Keras model fitted on a sequence whose batches grow each epoch (as Rasa's do) takes
    the same steps, reports the same batches to its callbacks and ends with the same weights
    whether Keras reads `steps_per_execution` at every step or dalil_fast_training reads it
    once an epoch; with three steps per execution, Keras' own loop runs."""
    code = RASA_SETUP + (
        "import tensorflow as tf\n"
        "from keras.engine.data_adapter import DataHandler\n"
        "keras_steps = DataHandler.steps\n"
        "class Growing(tf.keras.utils.Sequence):\n"
        "    def __init__(self):\n"
        "        self.size, rng = 8, numpy.random.default_rng(3)\n"
        "        self.x = rng.standard_normal((48, 5)).astype('float32')\n"
        "        self.y = rng.standard_normal((48, 1)).astype('float32')\n"
        "    def __len__(self):\n"
        "        return -(-48 // self.size)\n"
        "    def __getitem__(self, i):\n"
        "        part = slice(i * self.size, (i + 1) * self.size)\n"
        "        return self.x[part], self.y[part]\n"
        "    def on_epoch_end(self):\n"
        "        self.size += 8\n"
        "class Seen(tf.keras.callbacks.Callback):\n"
        "    def __init__(self):\n"
        "        super().__init__(); self.seen, self.epoch = [], None\n"
        "    def on_epoch_begin(self, epoch, logs=None):\n"
        "        self.epoch = epoch\n"
        "    def on_train_batch_end(self, batch, logs=None):\n"
        "        self.seen.append((self.epoch, batch))\n"
        "def fitted(steps, per_execution):\n"
        "    DataHandler.steps = steps\n"
        "    tf.keras.utils.set_random_seed(5)\n"
        "    model = tf.keras.Sequential([tf.keras.layers.Dense(3), tf.keras.layers.Dense(1)])\n"
        "    model.compile('adam', 'mse', steps_per_execution=per_execution)\n"
        "    seen = Seen()\n"
        "    model.fit(Growing(), epochs=4, verbose=0, shuffle=False, callbacks=[seen])\n"
        "    return seen.seen, b''.join(w.tobytes() for w in model.get_weights())\n"
        "assert F.apply() and DataHandler.steps is F._steps_one_at_a_time\n"
        "for per_execution in (1, 3):\n"
        "    theirs = fitted(keras_steps, per_execution)\n"
        "    ours = fitted(F._steps_one_at_a_time, per_execution)\n"
        "    print(per_execution, len(theirs[0]), theirs == ours)\n"
    )
    lines = _run_in_rasa(code)[-2:]
    assert [line.split()[0] for line in lines] == ["1", "3"]
    for _, steps, same in (line.split() for line in lines):
        assert int(steps) >= 4
        assert same == "True"


def test_matrices_built_directly_are_scipys() -> None:
    """On the scipy Rasa runs with, dalil_features builds its COO matrices without
    scipy's checks, and they are what scipy's constructor makes of the same arrays; the
    comparison it decides this by tells a matrix that differs in any part of its state."""
    code = RASA_SETUP + (
        "import dalil_features as J\n"
        "print(J.coo is J._direct_coo, J._direct_coo_is_scipys())\n"
        "args = (numpy.array([1, 2]), numpy.array([0, 1], dtype=numpy.int32),\n"
        "        numpy.array([3, 0], dtype=numpy.int32), (2, 5))\n"
        "def changed(**state):\n"
        "    m = J._direct_coo(*args)\n"
        "    m.__dict__.update(state)\n"
        "    return J._same_matrix(m, J._scipys_coo(*args))\n"
        "print(changed(), changed(has_canonical_format=True),\n"
        "      changed(col=numpy.array([3, 0])), changed(data=numpy.array([1, 3])),\n"
        "      changed(_shape=(2, 6)), changed(maxprint=10))\n"
    )
    lines = _run_in_rasa(code)
    assert lines[-2].split() == ["True", "True"]
    assert lines[-1].split() == ["True"] + ["False"] * 5


def test_the_data_read_once_is_rasas(tmp_path: Path) -> None:
    """Rasa's importer and dalil_fast_training's, over prepared files with a retrieval intent,
    its responses, synonyms and a lookup table (merged without deep copies), give the same
    training data: every example in the same order, and the same synonyms, regexes, lookup
    tables and responses. Rasa's own merge is back in place after the read."""
    data = tmp_path / "data"
    training.prepare_data(data, sample=20)
    for path in data.glob("*.yml"):
        if path.stem[:2] not in {"fr", "ar", "ru", "sy", "lo", "hu"}:
            path.unlink()
    code = RASA_SETUP + (
        "from rasa.shared.importers.importer import TrainingDataImporter as I\n"
        "from rasa.shared.nlu.training_data.training_data import TrainingData\n"
        "def read():\n"
        f"    i = I.load_nlu_importer_from_config('{training.CONFIG}', '{training.DOMAIN}',\n"
        f"                                        ['{data}'])\n"
        "    return i.get_nlu_data('en')\n"
        "rasas = read()\n"
        "assert F.apply()\n"
        "fast = read()\n"
        "print(len(rasas.training_examples), len(rasas.retrieval_intents),\n"
        "      len(rasas.entity_synonyms), len(rasas.lookup_tables), len(rasas.responses),\n"
        "      [m.fingerprint() for m in rasas.training_examples]\n"
        "      == [m.fingerprint() for m in fast.training_examples],\n"
        "      (rasas.entity_synonyms, rasas.regex_features, rasas.lookup_tables,\n"
        "       rasas.responses) == (fast.entity_synonyms, fast.regex_features,\n"
        "                            fast.lookup_tables, fast.responses),\n"
        "      TrainingData.merge is F._RASAS_MERGE)\n"
    )
    examples, retrieval, synonyms, lookups, responses, *same = _run_in_rasa(code)[-1].split()
    assert int(examples) > 300
    assert int(retrieval) == 1
    assert int(synonyms) > 0
    assert int(lookups) == 2
    assert int(responses) > 0
    assert same == ["True", "True", "True"]


def test_examples_are_sanitised_as_rasa_does() -> None:
    """Rasa's sanitising and dalil_fast_training's, on examples with spaces around intents and
    responses, duplicates, an intent that is a subclass of str, and one changed through `set`
    after it was hashed, keep the same examples in the same order with the same data. Only the
    examples that stripping changed (or whose intent was not a plain str) are hashed again."""
    code = RASA_SETUP + (
        "from rasa.shared.nlu.training_data.message import Message as M\n"
        "from rasa.shared.nlu.training_data.training_data import TrainingData\n"
        "class Quoted(str): pass\n"
        "def examples():\n"
        "    made = [M.build(text='hola', intent=' find_health '),\n"
        "            M.build(text='hola', intent='find_health'),\n"
        "            M.build(text='bonjour', intent='greet'),\n"
        "            M.build(text='bonjour', intent='greet'),\n"
        "            M.build(text='hi', intent='rumour'), M.build(text='hello', intent='greet')]\n"
        "    made[3].set('intent', Quoted('greet'))\n"
        "    made[4].set('response', ' rumour/jobs\\n')\n"
        "    made[5].fingerprint()\n"
        "    made[5].set('text', 'hi'); made[5].set('intent', 'rumour')\n"
        "    made[5].set('response', 'rumour/jobs')\n"
        "    return made\n"
        "def seen(kept):\n"
        "    return [(m.data, type(m.get('intent')).__name__) for m in kept]\n"
        "rasas = TrainingData.sanitize_examples(examples())\n"
        "made = examples()\n"
        "before = [m.fingerprint() for m in made]\n"
        "fast = F._sanitize_keeping_fingerprints(made)\n"
        "print(len(rasas), seen(rasas) == seen(fast), [made.index(m) for m in fast],\n"
        "      [i for i, m in enumerate(made) if m._cached_fingerprint is not before[i]])\n"
    )
    assert _run_in_rasa(code)[-1] == "3 True [0, 2, 4] [0, 3, 4]"


def test_nlu_files_are_checked_as_rasa_checks_them(tmp_path: Path) -> None:
    """Rasa's reader and dalil_fast_training's accept the same valid NLU file without Rasa's
    round-trip parse, and refuse each broken one with Rasa's own error and message."""
    files = {
        "valid": 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hola\n'
        "- synonym: Lyon\n  examples: |\n    - lyon\n",
        "unknown key": 'version: "3.1"\nnlu:\n- intnt: greet\n  examples: |\n    - hola\n',
        "examples a list": 'version: "3.1"\nnlu:\n- intent: greet\n  examples:\n  - hola\n',
        "nlu a mapping": 'version: "3.1"\nnlu:\n  intent: greet\n',
        "not yaml": 'version: "3.1"\nnlu:\n- intent: [greet\n',
        "duplicate key": 'version: "3.1"\nnlu:\n- intent: a\n  intent: b\n  examples: |\n'
        "    - hola\n",
    }
    for name, text in files.items():
        (tmp_path / f"{name}.yml").write_text(text)
    code = RASA_SETUP + (
        "import pathlib, rasa.shared.utils.validation as V\n"
        "from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader as R\n"
        "def outcome(path):\n"
        "    try:\n"
        "        data = R().read(path)\n"
        "        return ('read', sorted(m.get('text') for m in data.training_examples))\n"
        "    except Exception as error:\n"
        "        return (type(error).__name__, str(error), getattr(error, 'filename', None))\n"
        f"paths = sorted(pathlib.Path({str(tmp_path)!r}).glob('*.yml'))\n"
        "rasas = [outcome(p) for p in paths]\n"
        "assert F.apply()\n"
        "checked = []\n"
        "original = V.validate_yaml_schema\n"
        "def counting(*args, **kwargs):\n"
        "    checked.append(1)\n"
        "    return original(*args, **kwargs)\n"
        "V.validate_yaml_schema = counting\n"
        "fast = [outcome(p) for p in paths]\n"
        "print([p.stem for p, r in zip(paths, rasas) if r[0] == 'read'], rasas == fast,\n"
        "      len(checked), sorted({r[0] for r in fast}))\n"
    )
    print_line = _run_in_rasa(code)[-1]
    assert print_line == (
        "['valid'] True 5 ['YamlSyntaxException', 'YamlValidationException', 'read']"
    )


def test_training_writes_a_model_and_nothing_to_rasas_cache(tmp_path: Path) -> None:
    """`dalil nlu train` runs Rasa's training through dalil_fast_training: a model that parses,
    and no entry in Rasa's training cache (which plain `rasa train` fills after every node);
    what an earlier run left in the cache's folder is gone, so nothing is restored from it."""
    target = tmp_path / "small.tar.gz"
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "left-by-plain-rasa").write_text("an earlier run's output")
    training.train_with(venv=make_settings().nlu_venv, config=training.CONFIG, target=target,
                        sample=1)  # fmt: skip
    code = (
        "import asyncio\n"
        "from rasa.core.agent import Agent\n"
        f"agent = Agent.load('{target}')\n"
        "print(asyncio.run(agent.parse_message('doctor'))['intent']['name'] is not None)\n"
    )
    assert _run_in_rasa(code)[-1] == "True"
    with sqlite3.connect(tmp_path / "cache" / "cache.db") as cache:
        assert cache.execute("SELECT count(*) FROM cache_entry").fetchone() == (0,)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["cache.db"]


def test_the_fast_training_writes_rasas_model(tmp_path: Path) -> None:
    """Plain `rasa train nlu` and dalil_fast_training, on the same data and config, write the
    same model: every file of the two archives but metadata.json (the time, the model's id)
    is equal, byte for byte. The fast one skips Rasa's fingerprint run (it says so in its
    debug log), still trains every node, and trains the served config's three classifiers and
    its response selector in four child processes: the classifiers with one thread per
    TensorFlow operation, the response selector with TensorFlow's choice (0), as Rasa does."""
    data = tmp_path / "data"
    training.prepare_data(data, sample=3)
    config = tmp_path / "config.yml"
    config.write_text(training.CONFIG.read_text().replace("epochs: 40", "epochs: 3"))
    python = make_settings().nlu_venv / "bin" / "python"
    commands = {
        "rasa": [str(training.rasa_executable(make_settings().nlu_venv))],
        "fast": [str(python), "-m", "dalil_fast_training"],
    }
    logs = {}
    for name, command in commands.items():
        completed = subprocess.run(
            [*command, "train", "nlu", "--config", str(config), "--domain",
             str(training.DOMAIN), "--nlu", str(data), "--out", str(tmp_path),
             "--fixed-model-name", name, "--debug"],
            env=training.rasa_environment(tmp_path / f"cache-{name}"),
            capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr[-2000:]
        logs[name] = completed.stdout + completed.stderr
    fingerprint_run = "Running the train graph in fingerprint mode."
    assert fingerprint_run in logs["rasa"]
    assert fingerprint_run not in logs["fast"]
    assert "Skip fingerprint run as a full training of the model was enforced." in logs["fast"]
    moved = "train_DIETClassifier5, train_DIETClassifier7, train_DIETClassifier9, "
    assert f"Training {moved}train_ResponseSelector14 in 4 child processes." in logs["fast"]
    threads = re.findall(r"Training (train_\w+), threads per operation: (\d+)\.", logs["fast"])
    assert sorted(threads) == [
        ("train_DIETClassifier5", "1"),
        ("train_DIETClassifier7", "1"),
        ("train_DIETClassifier9", "1"),
        ("train_ResponseSelector14", "0"),
    ]
    models = {name: _archive_files(tmp_path / f"{name}.tar.gz") for name in commands}
    assert models["rasa"].keys() == models["fast"].keys()
    assert any(name.endswith("DIETClassifier.tf_model.data-00000-of-00001")
               for name in models["rasa"])  # fmt: skip
    different = [name for name in models["rasa"] if models["rasa"][name] != models["fast"][name]]
    assert different == ["metadata.json"]


FAILING_CLASSIFIER = """
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class FailingDIET(DIETClassifier):
    def train(self, training_data: TrainingData) -> Resource:
        raise ValueError("this classifier cannot learn")
"""


def test_a_classifier_failing_in_its_child_fails_the_training(tmp_path: Path) -> None:
    """One of two classifiers trained in child processes raises: the training ends with its
    error, and the other child, whose classifier would train for hours, is stopped rather
    than waited for (otherwise this test runs into its timeout)."""
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "dalil_failing.py").write_text(FAILING_CLASSIFIER)
    completed = _train_a_sample(
        tmp_path,
        "  - name: DIETClassifier\n    epochs: 100000\n"
        "  - name: dalil_failing.FailingDIET\n    epochs: 1\n",
    )
    log = completed.stdout + completed.stderr
    assert "in 2 child processes." in log
    assert completed.returncode != 0
    assert "this classifier cannot learn" in log
    assert not list(tmp_path.glob("*.tar.gz"))


def test_a_child_that_cannot_start_fails_the_training(tmp_path: Path) -> None:
    """A child that fails as it starts, before it has read its work: the training fails
    with the pool's error and the child's, at once, and leaves no process behind. (The
    launcher's own file, copied, with one line added to its children's start.) Before the
    inputs went through files, a large work item that no child read held the pool's shutdown
    for ever."""
    components = tmp_path / "components"
    shutil.copytree(training.COMPONENTS_DIR, components)
    launcher = components / "dalil_fast_training.py"
    start = "    apply()\n    try:\n        training = os.pidfd_open(parent)"
    assert launcher.read_text().count(start) == 1
    launcher.write_text(
        launcher.read_text().replace(
            start, start.replace("apply()", 'apply()\n    raise RuntimeError("cannot start")')
        )
    )
    diet = "  - name: DIETClassifier\n    epochs: 1\n"
    completed = _train_a_sample(tmp_path, diet + diet.replace("1", "2"))
    log = completed.stdout + completed.stderr
    assert "in 2 child processes." in log
    assert completed.returncode != 0
    assert 'RuntimeError("cannot start")' in log
    assert "BrokenProcessPool" in log
    assert not list(tmp_path.glob("*.tar.gz"))
    time.sleep(1)
    assert not [pid for pid, argv in _processes() if str(components) in " ".join(argv)]


def _train_a_sample(tmp_path: Path, classifiers: str) -> subprocess.CompletedProcess[str]:
    """Train `classifiers` (pipeline entries) through the launcher on a sample of the data,
    with `tmp_path / "components"` first on the path when it exists."""
    data = tmp_path / "data"
    training.prepare_data(data, sample=3)
    config = tmp_path / "config.yml"
    config.write_text(
        "recipe: default.v1\nassistant_id: t\nlanguage: xx\npipeline:\n"
        "  - name: WhitespaceTokenizer\n  - name: CountVectorsFeaturizer\n"
        f"{classifiers}policies: []\n"
    )
    environment = training.rasa_environment(tmp_path / "cache")
    if (tmp_path / "components").exists():
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(tmp_path / "components"), environment["PYTHONPATH"]]
        )
    python = make_settings().nlu_venv / "bin" / "python"
    return subprocess.run(
        [str(python), "-m", "dalil_fast_training", "train", "nlu", "--config", str(config),
         "--domain", str(training.DOMAIN), "--nlu", str(data), "--out", str(tmp_path)],
        env=environment, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_the_served_rasa_holds_no_jax(rasa_url: str) -> None:
    """The Rasa server the tests and `dalil run` start (serve_command) has TensorFlow in
    memory but not JAX, whose import TensorFlow tries for nothing (components/dalil_rasa.py)."""
    port = rasa_url.rsplit(":", 1)[1]
    served = [pid for pid, argv in _processes() if _option(argv, "--port") == port]
    assert len(served) == 1
    argv = dict(_processes())[served[0]]
    assert argv[1:4] == ["-m", "dalil_rasa", "run"]
    maps = Path(f"/proc/{served[0]}/maps").read_text()
    assert "libtensorflow_cc" in maps
    assert "jaxlib" not in maps


_PARSE_THE_DEVELOPMENT_SET = """
import asyncio, json, sys
import dask
import dalil_rasa
dalil_rasa.without_jax()
if sys.argv[1] == "served":
    dalil_rasa.for_serving()
from rasa.core.agent import Agent
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.tensorflow import model_data_utils

agent = Agent.load(sys.argv[2])
nodes = agent.processor.graph_runner._instantiated_nodes.values()
models = [n._component.model for n in nodes if isinstance(n._component, DIETClassifier)]
inputs_built = []
create_model_data = DIETClassifier._create_model_data

def counted(self, *args, **kwargs):
    inputs_built.append(1)
    return create_model_data(self, *args, **kwargs)

DIETClassifier._create_model_data = counted
dask_runs = []
dask_get = dask.get

def counted_run(*args, **kwargs):
    dask_runs.append(1)
    return dask_get(*args, **kwargs)

dask.get = counted_run

async def parse(texts):
    return [await agent.parse_message(text) for text in texts]

texts = json.load(sys.stdin)
answers = asyncio.run(parse(texts))
with open(sys.argv[3], "w") as out:
    json.dump({
        "models": len(models),
        "trained_here": [model.optimizer is not None for model in models],
        "joined_by": Features._combine_sparse_features.__module__,
        "graph_called_directly": [hasattr(model, "_dalil_graph") for model in models],
        "stand_ins_by": model_data_utils._create_fake_features.__module__,
        "inputs_built_per_text": len(inputs_built) / len(texts),
        "dask_runs_per_text": len(dask_runs) / len(texts),
        "domain_emptiness_kept": agent.processor.domain.__dict__.get("_dalil_is_empty"),
        "graphs_run_together": [getattr(n._component, "_dalil_together", (0, None))[1] is not None
                                for n in nodes if isinstance(n._component, DIETClassifier)],
        "answers": [[a["intent"], a["intent_ranking"], a["response_selector"]] for a in answers],
    }, out)
"""


def test_served_models_answer_as_rasas_own_load(tmp_path: Path) -> None:
    """The served model, loaded for prediction only and with each message's features joined
    by dalil_features (components/dalil_rasa.py, `for_serving`), answers every third
    development text exactly as Rasa's own load and joining do, to the last digit of every
    confidence and for the rumour selector too; none of its four DIET models went through
    the training step that Rasa's load runs, each called its traced prediction directly
    (`through_the_traced_graph`), the four models read inputs built once for each message
    (`one_input_for_every_model`), the stand-in features were made without copies, and the
    pipeline's chain of nodes ran in its one order without dask (`a_chain_without_dask`) and
    whether the domain is empty was told once (`domain_emptiness_once`), and the three
    classifiers ran as one graph (`_together`).

    The answers (about 1 MB of JSON) come back in a file: once, in a clean-clone CI run on
    5 December, the JSON read from the child's standard output stopped at 622,584
    characters although the child exited with 0 (locally it passes every time); a file the
    child closes itself does not depend on what flushes the output when the child exits."""
    model = training.model_path(make_settings().nlu_model_dir)
    texts = [example.text for example in read_labelled(EVAL_SETS["dev"])][::3]
    python = make_settings().nlu_venv / "bin" / "python"
    parsed = {}
    for how in ("rasa", "served"):
        answers = tmp_path / f"{how}.json"
        completed = subprocess.run(
            [str(python), "-c", _PARSE_THE_DEVELOPMENT_SET, how, str(model), str(answers)],
            input=json.dumps(texts), env=training.rasa_environment(),
            capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr[-2000:]
        parsed[how] = json.loads(answers.read_text())
    rasa, ours = parsed["rasa"], parsed["served"]
    assert len(ours["answers"]) == len(texts) > 500
    assert ours["answers"] == rasa["answers"]
    assert {answer[0]["name"] for answer in ours["answers"]} >= {"emergency", "find_health"}
    assert ours["models"] == rasa["models"] == 4  # three classifiers and the rumour selector
    assert ours["trained_here"] == [False] * 4
    assert rasa["trained_here"] == [True] * 4
    assert ours["joined_by"] == "dalil_features"
    assert ours["graph_called_directly"] == [True] * 4
    assert rasa["graph_called_directly"] == [False] * 4
    assert ours["stand_ins_by"] == "dalil_rasa"
    assert ours["inputs_built_per_text"] == 1  # one for the four models: one_input_for_every_model
    assert rasa["inputs_built_per_text"] == 4
    assert ours["dask_runs_per_text"] == 0  # the chain run in its one order: a_chain_without_dask
    assert rasa["dask_runs_per_text"] == 1
    assert ours["domain_emptiness_kept"] is True  # an NLU model: told once, domain_emptiness_once
    assert rasa["domain_emptiness_kept"] is None
    # The three classifiers' graphs run as one, kept on the first; not the rumour selector's.
    assert ours["graphs_run_together"] == [True, False, False, False]
    assert rasa["graphs_run_together"] == [False] * 4
    assert rasa["stand_ins_by"] == "rasa.utils.tensorflow.model_data_utils"
    assert rasa["joined_by"] == "rasa.shared.nlu.training_data.features"


def _last_line_of(script: str) -> Any:
    """Run `script` in the NLU virtualenv, Dalil's components importable; its last line of
    output, read as JSON."""
    python = make_settings().nlu_venv / "bin" / "python"
    completed = subprocess.run(
        [str(python), "-c", script], env=training.rasa_environment(),
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.splitlines()[-1])


_ORDERS = """
import json
import dalil_rasa
dalil_rasa.without_jax()
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

def node(**needs):
    return SchemaNode(needs, WhitespaceTokenizer, "load", "process", {})

# A chain (x needs a but no target needs x), and the same with a branch that c joins.
chain = {"a": node(messages="__message__"), "b": node(messages="a"), "c": node(messages="b"),
         "x": node(messages="a")}
branches = {**chain, "c": node(messages="b", more="x")}
print(json.dumps([dalil_rasa._one_order(GraphSchema(nodes), ["c"])
                  for nodes in (chain, branches)]))
"""


def test_only_a_graph_with_one_order_runs_without_dask() -> None:
    """`a_chain_without_dask` runs the nodes a target needs in the one order their
    dependencies allow (nodes no target needs are left out, as Rasa leaves them out); a
    graph whose branches could run in two orders gets no order, so Rasa's dask runs it."""
    chain, branches = _last_line_of(_ORDERS)
    assert chain == [["a", ["__message__"]], ["b", ["a"]], ["c", ["b"]]]
    assert branches is None


_CONVERSIONS = """
import json
import dalil_rasa
dalil_rasa.without_jax()
import numpy as np
import tensorflow as tf

general = []
convert_to_tensor = tf.convert_to_tensor

def counted(value, *args, **kwargs):
    general.append(1)
    return convert_to_tensor(value, *args, **kwargs)

arrays = (np.arange(6, dtype=np.float32).reshape(1, 3, 2), np.array([[0, 1, 2]], np.int64),
          np.array([0.5, 1.5], np.float64), np.array([3, 4], np.int32))
specs = ((tf.float32, 3, 2), (tf.int64, 2, 3), (tf.float32, 1, None), (tf.int64, 1, None))
expected = [tf.convert_to_tensor(a, dtype_hint=d) for a, (d, _, _) in zip(arrays, specs)]
tf.convert_to_tensor = counted
tensors = dalil_rasa._as_inputs(arrays, specs)
print(json.dumps({
    "same": [t.dtype == e.dtype and t.shape == e.shape and bool(np.array_equal(t, e))
             for t, e in zip(tensors, expected)],
    "general": len(general),
}))
"""


def test_arrays_of_the_signatures_dtype_skip_only_the_dispatch() -> None:
    """`_as_inputs` gives the tensors TensorFlow's `convert_to_tensor` gives: an array of
    the signature's very dtype without going through it, the others (a float64 array for a
    float32 input, an int32 one for int64) through it, converted as before."""
    assert _last_line_of(_CONVERSIONS) == {"same": [True] * 4, "general": 2}


_LOAD_WITHOUT_A_LAYER = """
import shutil, sys, tempfile
from pathlib import Path
import dalil_rasa
dalil_rasa.without_jax()
import tensorflow as tf
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.nlu.classifiers.diet_classifier import DIETClassifier

with tempfile.TemporaryDirectory() as workdir:
    served = Path(workdir) / "served"
    storage, metadata = LocalModelStorage.from_model_archive(served, Path(sys.argv[1]))
    node = metadata.predict_schema.nodes["run_DIETClassifier5"]
    config = {**DIETClassifier.get_default_config(), **node.config}
    context = ExecutionContext(metadata.predict_schema, metadata.model_id)
    classifier = DIETClassifier.load(config, storage, node.resource, context)
    # The classifier's weights saved again without its text embedding layer's.
    lacking = Path(workdir) / "lacking"
    shutil.copytree(served, lacking)
    checkpoint = next((lacking / node.resource.name).glob("*.tf_model.index"))
    classifier.model._tf_layers["embed.text"] = tf.keras.layers.Layer()
    classifier.model.save_weights(str(checkpoint.with_suffix("")))
    DIETClassifier.load(config, LocalModelStorage(lacking), node.resource, context)
    print("Rasa's load: loaded")
    dalil_rasa.for_prediction_only()
    try:
        DIETClassifier.load(config, LocalModelStorage(lacking), node.resource, context)
        print("for prediction only: loaded")
    except AssertionError as refused:
        print("for prediction only: refused,", " ".join(str(refused).split()))
"""


def test_a_model_lacking_weights_is_refused_not_served() -> None:
    """A classifier whose checkpoint lacks one layer's weights: Rasa's own load serves it
    with that layer's weights left as they were drawn; the load for prediction only refuses
    it, naming the variables it could not find."""
    model = training.model_path(make_settings().nlu_model_dir)
    python = make_settings().nlu_venv / "bin" / "python"
    completed = subprocess.run(
        [str(python), "-c", _LOAD_WITHOUT_A_LAYER, str(model)],
        env=training.rasa_environment(), capture_output=True, text=True, check=False,
        timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = completed.stdout.splitlines()
    assert lines[-2] == "Rasa's load: loaded"
    assert lines[-1].startswith("for prediction only: refused, Found 2 Python objects that were")
    assert "embed_text/embed_layer_text/kernel" in lines[-1]
    assert "embed_text/embed_layer_text/bias" in lines[-1]


def _processes() -> list[tuple[int, list[str]]]:
    """Every process's id and command line, from /proc."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            found.append((int(cmdline.parent.name), cmdline.read_bytes().decode().split("\0")))
        except (OSError, UnicodeDecodeError):
            continue
    return found


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv[:-1] else None


def test_children_are_as_many_as_the_memory_holds() -> None:
    """One child per classifier when the memory allows; fewer when it holds fewer beside the
    parent (fewer than two: Rasa's own training in one process); all when it is unknown."""
    lines = _run_in_rasa(
        "import dalil_fast_training as F\n"
        "gb = F.CHILD_MEMORY\n"
        "print(F.children_for(4, 20 * gb), F.children_for(4, 3 * gb + 1),\n"
        "      F.children_for(4, 2 * gb), F.children_for(4, gb), F.children_for(4, None),\n"
        "      F._available_memory() > 0)\n"
    )
    assert lines[-1] == "4 2 1 0 4 True"


def test_only_the_classifiers_children_compute_on_one_thread() -> None:
    """DIET classifiers' children compute each operation on one thread, a response
    selector's (or any other node's) with TensorFlow's choice, as Rasa does; with fewer
    children than nodes a child may train both kinds, so all keep TensorFlow's choice."""
    lines = _run_in_rasa(
        "import dalil_fast_training as F\n"
        "from rasa.engine.graph import SchemaNode\n"
        "from rasa.nlu.classifiers.diet_classifier import DIETClassifier\n"
        "from rasa.nlu.selectors.response_selector import ResponseSelector\n"
        "node = lambda uses: SchemaNode(needs={}, uses=uses, constructor_name='create',\n"
        "                               fn='train', config={})\n"
        "nodes = {'diet': node(DIETClassifier), 'selector': node(ResponseSelector),\n"
        "         'diet2': node(DIETClassifier)}\n"
        "print(F.threads_in_children(nodes, 3), F.threads_in_children(nodes, 2))\n"
    )
    assert lines[-1] == (
        "{'diet': 1, 'selector': None, 'diet2': 1} {'diet': None, 'selector': None, 'diet2': None}"
    )


def test_a_training_killed_leaves_no_child_behind(tmp_path: Path) -> None:
    """The training process is killed (SIGKILL) while two children train classifiers that
    would train for hours: every process it started (the two, the fork server they were
    forked from and multiprocessing's resource tracker) ends on its own, since nothing is left
    to stop them."""
    data = tmp_path / "data"
    training.prepare_data(data, sample=3)
    config = tmp_path / "config.yml"
    diet = "  - name: DIETClassifier\n    epochs: 100000\n"
    config.write_text(
        "recipe: default.v1\nassistant_id: t\nlanguage: xx\npipeline:\n"
        "  - name: WhitespaceTokenizer\n  - name: CountVectorsFeaturizer\n"
        f"{diet}{diet.replace('100000', '100001')}policies: []\n"
    )
    python = make_settings().nlu_venv / "bin" / "python"
    log = tmp_path / "training.log"
    with log.open("w") as output:
        trainer = subprocess.Popen(
            [str(python), "-m", "dalil_fast_training", "train", "nlu", "--config",
             str(config), "--domain", str(training.DOMAIN), "--nlu", str(data), "--out",
             str(tmp_path)],
            env=training.rasa_environment(tmp_path / "cache"), stdout=output, stderr=output,
        )  # fmt: skip
    try:
        started: list[int] = []
        for _ in range(600):  # until both children are training
            started = _descendants_of(trainer.pid)
            if len(started) == 4 and log.read_text().count("Epochs:   0%") >= 2:
                break
            assert trainer.poll() is None, log.read_text()[-2000:]
            time.sleep(0.2)
        assert len(started) == 4, log.read_text()[-2000:]
    finally:
        trainer.kill()
        trainer.wait()
    for _ in range(100):
        alive = [pid for pid in started if Path(f"/proc/{pid}").exists()]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive


def _children_of(pid: int) -> list[int]:
    """The processes `pid` started, from /proc (those that are not zombies)."""
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(pid) and not fields["State"].startswith("Z"):
            children.append(int(status.parent.name))
    return children


def _descendants_of(pid: int) -> list[int]:
    """The processes `pid` started, and those they started, from /proc."""
    found = _children_of(pid)
    return found + [grandchild for child in found for grandchild in _descendants_of(child)]


def _archive_files(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {
            member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
            for member in tar.getmembers()
            if member.isfile()
        }


def _run_in_rasa(code: str) -> list[str]:
    """Run `code` with the NLU virtualenv's Python, as Rasa runs; return its output's lines."""
    python = make_settings().nlu_venv / "bin" / "python"
    completed = subprocess.run(
        [str(python), "-c", code],
        env=training.rasa_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout.splitlines()
