"""Several DIET intent classifiers trained side by side as one model, for Rasa 3.6.

Served configuration AB averaged three DIETs trained one after the other with seeds 7, 8 and 9
(`dalil_seed_ensemble`). Each of them walked the same data for 40 epochs, and most of a step's
cost here does not grow with the batch (nlu/README.md, "Larger batches"): preparing the batch,
and TensorFlow's work to start each step. Three classifiers cost three times those steps.

This classifier holds `members` DIET models in one Keras model. Each step gives them all the
same batch, and the loss is the sum of theirs. So each step trains every member at once, and
each member's gradients are its own loss's only. The members start from different weights
(each is built after the one before it drew its own) and draw their own negative labels, but
walk the batches in the same order. A parse answers the mean of the members' confidences, the
ranking `dalil_seed_ensemble.MeanRanking` would write from the same classifiers.

    - name: dalil_side_by_side.SideBySideDIET
      members: 3
      ranking_length: 0
      ...every other DIETClassifier setting, applied to each member

This is not the same model as three DIETs trained apart, and it was measured as a model of its
own (nlu/README.md).
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Text, Tuple, Type, Union

import numpy as np
import tensorflow as tf
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.utils.tensorflow.constants import RANDOM_SEED
from rasa.utils.tensorflow.model_data import FeatureSignature, RasaModelData
from rasa.utils.tensorflow.models import RasaModel

MEMBERS = "members"
SCORES = "i_scores"


class Members(RasaModel):
    """DIET models trained on the same batches, the sum of their losses; the mean of their
    intent confidences at prediction."""

    def __init__(
        self,
        data_signature: Dict[Text, Dict[Text, List[FeatureSignature]]],
        label_data: RasaModelData,
        entity_tag_specs: Optional[List[Any]],
        config: Dict[Text, Any],
    ) -> None:
        # Each DIET resets Keras' session and the random seeds when it is made, so the members
        # are made before the model that holds them. Their weights are drawn when the first
        # batch builds them, one member after the other, from this model's seed.
        members = []
        for _ in range(config[MEMBERS]):
            members.append(
                DIET(data_signature, label_data, entity_tag_specs, copy.deepcopy(config))
            )
        super().__init__(name="SideBySideDIET", random_seed=config[RANDOM_SEED])
        self.members = members

    def _set_training(self) -> None:
        for member in self.members:
            member._training = self._training

    def batch_loss(
        self, batch_in: Union[Tuple[tf.Tensor, ...], Tuple[np.ndarray, ...]]
    ) -> tf.Tensor:
        """The sum of the members' losses on the batch."""
        self._set_training()
        return tf.math.add_n([member.batch_loss(batch_in) for member in self.members])

    def _get_metric_results(self, prefix: Optional[Text] = "") -> Dict[Text, float]:
        # What training shows: the total loss, and the first member's accuracy. Keras counts
        # the members' metrics as this model's, and each member has a "t_loss" of its own
        # that nothing updates.
        return {
            f"{prefix}t_loss": self.total_loss.result(),
            f"{prefix}i_acc": self.members[0].intent_acc.result(),
        }

    def prepare_for_predict(self) -> None:
        """Embeds every intent once per member."""
        for member in self.members:
            member.prepare_for_predict()

    def batch_predict(
        self, batch_in: Union[Tuple[tf.Tensor, ...], Tuple[np.ndarray, ...]]
    ) -> Dict[Text, Union[tf.Tensor, Dict[Text, tf.Tensor]]]:
        """The first member's output, with the mean of every member's intent confidences."""
        self._set_training()
        outputs = [member.batch_predict(batch_in) for member in self.members]
        mean = tf.math.add_n([output[SCORES] for output in outputs]) / len(outputs)
        return {**outputs[0], SCORES: mean}


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class SideBySideDIET(DIETClassifier):
    """DIETClassifier whose model is `members` DIETs trained side by side."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """DIETClassifier's settings, and how many members (3)."""
        return {**DIETClassifier.get_default_config(), MEMBERS: 3}

    @staticmethod
    def model_class() -> Type[RasaModel]:
        """The model of several DIETs."""
        return Members
