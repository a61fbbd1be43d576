"""Several intent classifiers, one answer: the mean of their rankings, for Rasa 3.6.

The same data trained with another seed moves the model's emergencies by a few in a hundred
(nlu/README.md, "Three seeds"). Averaging the confidences of classifiers trained with
different seeds keeps what they agree on and evens out what each learnt by chance.

    - name: DIETClassifier        # random_seed: 7, ranking_length: 0 (every intent)
    - name: dalil_seed_ensemble.KeepRanking
    - name: DIETClassifier        # random_seed: 8, ranking_length: 0
    - name: dalil_seed_ensemble.KeepRanking
    - name: dalil_seed_ensemble.MeanRanking

Each classifier writes its intent and ranking over the previous one's; `KeepRanking` puts
each ranking aside, and `MeanRanking` writes the mean of those put aside as the message's
ranking and intent. Neither trains or stores anything. The classifiers should rank every
intent (`ranking_length: 0`), or an intent outside one's top ten counts as 0 in the mean.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# Where the rankings wait, on the message; not part of what a parse returns.
KEPT = "dalil_kept_rankings"


class _Untrained(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _Untrained:
        """Creates the component (it has no settings)."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data as it is."""
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KeepRanking(_Untrained):
    """Puts the ranking the classifier before it wrote aside, for `MeanRanking`."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Keeps each message's current ranking."""
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY)
            if ranking:
                message.set(KEPT, [*(message.get(KEPT) or []), ranking])
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MeanRanking(_Untrained):
    """Writes the mean of the rankings put aside as the message's ranking and intent."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Replaces each message's ranking by the mean of the kept ones."""
        for message in messages:
            rankings = message.data.pop(KEPT, None)
            if rankings:
                ranking = mean_ranking(rankings)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                message.set(INTENT, dict(ranking[0]), add_to_output=True)
        return messages


def mean_ranking(rankings: List[List[Dict[Text, Any]]]) -> List[Dict[Text, Any]]:
    """The mean confidence of every intent over the rankings (absent counts as 0), highest
    first; ties keep the order in which the intents first appear."""
    totals: Dict[Text, float] = {}
    for ranking in rankings:
        for item in ranking:
            totals[item["name"]] = totals.get(item["name"], 0.0) + float(item["confidence"])
    ordered = sorted(totals.items(), key=lambda pair: -pair[1])
    return [{"name": name, "confidence": total / len(rankings)} for name, total in ordered]
