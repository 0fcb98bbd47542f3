"""Group the messages the assistant could not place, so a reviewer reads themes, not a raw list.

Messages are de-duplicated (case and spacing ignored), turned into TF-IDF vectors of character
n-grams (robust to typos and short texts, no language model needed), and joined by average-linkage
clustering on cosine distance, cut at a fixed distance: similar wordings land in one group, and the
number of groups follows the data. Groups are ordered by how many messages they hold.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

DISTANCE = 0.75  # cosine distance under which two wordings are "the same question"
MAX_DISTINCT = 2000  # pairwise distances grow with the square; the rarest texts beyond this go alone


@dataclass
class Group:
    """Similar messages; `examples` are (masked text, times seen), most frequent first."""

    examples: list[tuple[str, int]]
    intents: dict[str, int]  # why they fell back: nlu_fallback / out_of_scope, with counts

    @property
    def count(self) -> int:
        return sum(times for _, times in self.examples)

    @property
    def representative(self) -> str:
        return self.examples[0][0]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def group_messages(messages: Iterable[tuple[str, str]], distance: float = DISTANCE) -> list[Group]:
    """(masked text, intent) pairs -> groups of similar texts, largest group first."""
    seen: Counter = Counter()
    wording: dict[str, str] = {}
    intents: dict[str, Counter] = {}
    for text, intent in messages:
        key = normalise(text)
        if not key:
            continue
        seen[key] += 1
        wording.setdefault(key, text.strip())
        intents.setdefault(key, Counter())[intent] += 1
    keys = [key for key, _ in sorted(seen.items(), key=lambda item: (-item[1], item[0]))]
    labels = _cluster(keys[:MAX_DISTINCT], distance) + list(range(-1, -1 - len(keys[MAX_DISTINCT:]), -1))
    members: dict[int, list[str]] = {}
    for key, label in zip(keys, labels):
        members.setdefault(label, []).append(key)
    groups = []
    for group_keys in members.values():
        reasons: Counter = Counter()
        for key in group_keys:
            reasons.update(intents[key])
        groups.append(Group([(wording[key], seen[key]) for key in group_keys], dict(reasons.most_common())))
    return sorted(groups, key=lambda group: (-group.count, normalise(group.representative)))


def _cluster(texts: list[str], distance: float) -> list[int]:
    """A cluster label per text (labels are arbitrary integers)."""
    if len(texts) < 2:
        return list(range(len(texts)))
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(texts)
    square = cosine_distances(vectors)  # sparse in, dense n x n out: fine for MAX_DISTINCT texts
    np.fill_diagonal(square, 0.0)
    tree = linkage(squareform(square.clip(0.0, None), checks=False), method="average")
    return [int(label) for label in fcluster(tree, t=distance, criterion="distance")]
