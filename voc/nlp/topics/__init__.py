"""Topics of customer contacts: BERTopic on the cached contact embeddings.

``TopicModel`` (fit / transform / save / load), the "topics" pipeline component and pure
analytics (topics over time, topic share per intent or channel, the topic info table).
Importing this package registers the component; BERTopic, UMAP and HDBSCAN are imported only
when a model is fitted or loaded.
"""
from voc.nlp.topics.analytics import flatten_lists, topic_crosstab, topic_share, topic_table, topics_over_time
from voc.nlp.topics.component import TopicsComponent
from voc.nlp.topics.labels import OUTLIER_ID, OUTLIER_LABEL, label_from_keywords
from voc.nlp.topics.model import TopicModel
from voc.nlp.topics.vocabulary import STOP_WORDS, strip_placeholders

__all__ = ["TopicModel", "TopicsComponent", "topics_over_time", "topic_share", "topic_crosstab", "topic_table",
           "flatten_lists", "label_from_keywords", "strip_placeholders", "STOP_WORDS", "OUTLIER_ID", "OUTLIER_LABEL"]
